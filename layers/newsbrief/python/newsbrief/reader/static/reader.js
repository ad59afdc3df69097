// The article page's "Get a summary" button: fetches the summary and shows it in place.
// Without this script the same form opens the server-rendered summary page. Its messages come
// from the section's data- attributes, which the server writes in the page's language.
"use strict";

(function () {
  var section = document.querySelector(".summary[data-summary-url]");
  if (!section) {
    return;
  }
  var form = section.querySelector(".summary-form");
  var status = section.querySelector(".summary-status");
  var list = section.querySelector(".summary-sentences");
  var button = section.querySelector(".summary-button");
  var origins = section.querySelectorAll(".summary-origin");
  var pendingReview = section.querySelector(".summary-pending");
  var shown = false;
  var pending = null;
  // The API explains its errors in English: other pages say which HTTP status came back instead.
  var apiSpeaksPage = (document.documentElement.lang || "en") === "en";

  function failed(reason) {
    return section.getAttribute("data-failed").replace("{reason}", reason);
  }

  // The labels are in the page (server-rendered, in the page's language); the answer says which.
  function label(origin) {
    var shown = origin === "editor" ? "editor" : origin ? "machine" : "";
    Array.prototype.forEach.call(origins, function (element) {
      element.hidden = element.getAttribute("data-origin") !== shown;
    });
  }

  function chosenLength() {
    var checked = form.querySelector("input[name=length]:checked");
    return checked ? checked.value : "medium";
  }

  function setState(state, message) {
    section.setAttribute("data-state", state);
    section.setAttribute("aria-busy", state === "loading" ? "true" : "false");
    status.textContent = message;
    status.hidden = !message;
    button.disabled = state === "loading";
  }

  function show(sentences) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    sentences.forEach(function (sentence) {
      var item = document.createElement("li");
      item.textContent = sentence;
      list.appendChild(item);
    });
    list.hidden = false;
    shown = true;
  }

  function load() {
    var url = section.getAttribute("data-summary-url") + "?length=" + encodeURIComponent(chosenLength());
    if (pending) {
      pending.abort();
    }
    var controller = new AbortController();
    pending = controller;
    setState("loading", section.getAttribute("data-loading"));
    fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal })
      .then(function (response) {
        return response.json().then(
          function (body) { return { response: response, body: body }; },
          function () { return { response: response, body: null }; }
        );
      })
      .then(function (result) {
        if (controller !== pending) {
          return;
        }
        pending = null;
        if (!result.response.ok || !result.body || !Array.isArray(result.body.summary)) {
          var explained = apiSpeaksPage && result.body && result.body.error;
          setState("error", failed(explained ? result.body.error.message : "HTTP " + result.response.status));
          return;
        }
        pendingReview.hidden = !result.body.pending_review;
        show(result.body.summary);
        label(result.body.pending_review ? "" : result.body.origin);
        setState("done", "");
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") {
          return;
        }
        pending = null;
        setState("error", failed(section.getAttribute("data-network-error")));
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load();
  });
  form.addEventListener("change", function () {
    if (shown) {
      load();
    }
  });
})();
