// Newsbrief's "Get a summary" button for a newsroom's own article pages:
//   <script src="https://API/widget.js" data-article-url="https://newsroom.example/story" defer></script>
// The button goes where the script tag is (or into the element that data-target names); it
// finds the article by its canonical URL and shows the summary in place. Text only: nothing
// from the API is ever parsed as HTML.
// Its language: data-lang="ru" if given; else the article's, once the article is found, and
// until then the newsroom page's own <html lang>; else English.
"use strict";

(function () {
  // Every language's strings, from the reader's catalogue, put here by the server.
  var MESSAGES = {/* the catalogue's strings */};
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var api = script.src.replace(/\/widget\.js(?:[?#].*)?$/, "");
  var articleUrl = script.getAttribute("data-article-url") || "";
  var target = script.getAttribute("data-target");

  function known(tag) {
    var primary = (tag || "").toLowerCase().split(/[-_]/)[0];
    return Object.prototype.hasOwnProperty.call(MESSAGES, primary) ? primary : null;
  }

  var chosen = known(script.getAttribute("data-lang"));
  var language = chosen || known(document.documentElement.lang) || "en";

  function text(key, reason) {
    return MESSAGES[language][key].replace("{reason}", reason || "");
  }

  var box = document.createElement("section");
  box.className = "newsbrief-summary";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "newsbrief-summary-button";

  function speak(code) {
    language = code;
    box.setAttribute("lang", language);
    button.textContent = text("button");
  }
  speak(language);
  var status = document.createElement("p");
  status.className = "newsbrief-summary-status";
  status.setAttribute("role", "status");
  status.hidden = true;
  var origin = document.createElement("p");
  origin.className = "newsbrief-summary-origin";
  origin.hidden = true;
  var list = document.createElement("ol");
  list.className = "newsbrief-summary-sentences";
  list.hidden = true;
  box.appendChild(button);
  box.appendChild(status);
  box.appendChild(origin);
  box.appendChild(list);

  var host = target ? document.getElementById(target) : null;
  if (host) {
    host.appendChild(box);
  } else {
    script.parentNode.insertBefore(box, script.nextSibling);
  }

  function setState(state, message) {
    box.setAttribute("data-state", state);
    status.textContent = message;
    status.hidden = !message;
    button.disabled = state === "loading";
  }

  function getJson(path) {
    return fetch(api + path, { headers: { Accept: "application/json" }, credentials: "omit" }).then(
      function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      }
    );
  }

  button.addEventListener("click", function () {
    if (!articleUrl) {
      setState("error", text("no_article"));
      return;
    }
    setState("loading", text("loading"));
    getJson("/articles?limit=1&url=" + encodeURIComponent(articleUrl))
      .then(function (page) {
        var found = page.items && page.items[0];
        if (!found) {
          throw new Error("not found");
        }
        if (!chosen && known(found.language)) {
          speak(known(found.language));
        }
        if (found.language) {
          list.setAttribute("lang", found.language);
        }
        return getJson("/articles/" + encodeURIComponent(found.id) + "/summary");
      })
      .then(function (summary) {
        while (list.firstChild) {
          list.removeChild(list.firstChild);
        }
        if (summary.pending_review) {
          origin.hidden = true;
          list.hidden = true;
          setState("done", text("pending"));
          return;
        }
        // An editor's own is the newsroom's; the summarizer's, approved or not, is generated.
        origin.textContent = text(summary.origin === "editor" ? "newsroom" : "machine");
        origin.hidden = false;
        summary.summary.forEach(function (sentence) {
          var item = document.createElement("li");
          item.textContent = sentence;
          list.appendChild(item);
        });
        list.hidden = false;
        setState("done", "");
      })
      .catch(function (error) {
        var reason = error && error.message === "not found" ? "not_found" : "no_answer";
        setState("error", text("failed", text(reason)));
      });
  });
})();
