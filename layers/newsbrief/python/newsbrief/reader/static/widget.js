// Newsbrief's "Get a summary" button for a newsroom's own article pages:
//   <script src="https://API/widget.js" data-article-url="https://newsroom.example/story" defer></script>
// The button goes where the script tag is (or into the element that data-target names); it
// finds the article by its canonical URL and shows the summary in place. Text only: nothing
// from the API is ever parsed as HTML.
"use strict";

(function () {
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var api = script.src.replace(/\/widget\.js(?:[?#].*)?$/, "");
  var articleUrl = script.getAttribute("data-article-url") || "";
  var target = script.getAttribute("data-target");

  var box = document.createElement("section");
  box.className = "newsbrief-summary";
  box.setAttribute("lang", "en");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "newsbrief-summary-button";
  button.textContent = "No time to read? Get a summary";
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
  // Who wrote the summary: an editor, or the summarizer (approved by an editor or not).
  var ORIGIN_LABELS = {
    editor: "Summary by the newsroom",
    approved: "Automatically generated summary",
    machine: "Automatically generated summary"
  };

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
      setState("error", "This page does not say which article it is.");
      return;
    }
    setState("loading", "Getting the summary…");
    getJson("/articles?limit=1&url=" + encodeURIComponent(articleUrl))
      .then(function (page) {
        var found = page.items && page.items[0];
        if (!found) {
          throw new Error("not found");
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
          setState("done", "Summary pending review");
          return;
        }
        origin.textContent = ORIGIN_LABELS[summary.origin] || ORIGIN_LABELS.machine;
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
        var reason = error && error.message === "not found" ? "no summary for this article yet" : "the service did not answer";
        setState("error", "The summary could not be loaded (" + reason + ").");
      });
  });
})();
