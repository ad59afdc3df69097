"""Articles the summarizer tests share (the seed article is /work/shared/seed-article.txt)."""

from __future__ import annotations

from pathlib import Path

SEED_ARTICLE = Path(__file__).parents[2] / "fixtures" / "seed-article.txt"


def seed_title_and_body() -> tuple[str, list[str]]:
    """The seed article's title and its body: the paragraphs between the furniture lines."""
    lines = [line.strip() for line in SEED_ARTICLE.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    start = lines.index("Get a summary") + 1
    end = lines.index("No time to read?", start)
    return lines[0], lines[start:end]


RUSSIAN_ARTICLE = [
    "Министр иностранных дел России Сергей Лавров провёл в Москве переговоры с главой МИД "
    "Узбекистана Бахтиёром Саидовым.",
    "Стороны обсудили положение в Афганистане и меры по укреплению безопасности в регионе. "
    "По словам Лаврова, Россия и Узбекистан намерены расширять торговое сотрудничество, т.е. "
    "увеличивать поставки продовольствия и энергоносителей.",
    "Товарооборот между странами в 2023 г. вырос на 20 процентов и превысил 9 млрд долларов. "
    "Узбекистан остаётся одним из главных торговых партнёров России в Центральной Азии.",
    "Министры также согласовали график контактов на высшем уровне. Следующая встреча "
    "запланирована в Ташкенте осенью.",
    "Отдельно обсуждались вопросы трудовой миграции: в России работают более миллиона "
    "граждан Узбекистана.",
]

GERMAN_ARTICLE = [
    "Die Stadt Berlin hat am Dienstag einen neuen Haushalt für die Schulen beschlossen.",
    "Der Senat will die Ausgaben für Schulen und Straßen um fünf Prozent erhöhen. Die "
    "Opposition kritisierte die Pläne als unzureichend.",
    "Die Bürgermeisterin sagte, der Haushalt verbinde Ehrgeiz mit Vorsicht. Eine endgültige "
    "Abstimmung über die Steuern wird im nächsten Monat erwartet.",
]
