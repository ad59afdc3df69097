"""Article-like sentences written for these tests."""

ARTICLE_EN = (
    "The city council approved a new budget on Tuesday after a long debate about school "
    "funding and road repairs. Councillors said the plan would keep taxes flat while "
    "adding money for teachers and bus services across the northern districts."
)
ARTICLE_RU = (
    "Городской совет во вторник утвердил новый бюджет после долгих споров о финансировании "
    "школ и ремонте дорог. Депутаты заявили, что план позволит сохранить налоги на прежнем "
    "уровне и выделить дополнительные средства учителям и автобусным маршрутам."
)
ARTICLE_JA = (
    "市議会は火曜日、学校の予算と道路の修理について長い議論の末、新しい予算を承認しました。"
    "議員たちは、この計画によって税金を据え置きながら、北部地区の教師とバスの運行に"
    "資金を追加できると述べました。市長は来月から工事が始まると説明しました。"
)
