// The dashboard's script: it refreshes the process's overview every few
// seconds without reloading, and takes actions without leaving the page.
// Everything it inserts is HTML the server rendered and escaped; its own
// texts come from the server too, in the page's language (data-text-* on
// main), and are set as text.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !main.dataset.refresh) return;
  var csrf = document.querySelector('meta[name="csrf"]').content;
  var latest = 0; // the newest refresh: an older one that ends later is dropped
  var timer = 0;

  function refresh() {
    var n = ++latest;
    return fetch(main.dataset.refresh, { credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 403) {
          // The link's time is up: refreshing again will not help.
          clearInterval(timer);
          say(main.dataset.textExpired);
        }
        if (!r.ok) return Promise.reject(r.status);
        return r.text().then(function (html) {
          return { html: html, version: r.headers.get("X-Dashboard-Version") || "" };
        });
      })
      .then(function (part) {
        // The count of refreshes lets a test wait for one.
        main.dataset.refreshes = String(Number(main.dataset.refreshes || 0) + 1);
        // Only the newest answer counts, and only if the page changed.
        if (n !== latest || (part.version && part.version === main.dataset.version)) return;
        var doc = new DOMParser().parseFromString("<body>" + part.html + "</body>", "text/html");
        var notice = document.getElementById("notice");
        var kept = notice ? notice.cloneNode(true) : null;
        main.replaceChildren.apply(main, Array.from(doc.body.childNodes));
        var fresh = document.getElementById("notice");
        if (kept && fresh && !fresh.textContent.trim()) fresh.replaceWith(kept);
        main.dataset.version = part.version;
        main.dataset.updated = String(Date.now());
      })
      .catch(function () { /* the next tick tries again */ });
  }

  function say(text) {
    var notice = document.getElementById("notice");
    if (!notice) return;
    notice.replaceChildren();
    if (!text) return;
    var p = document.createElement("p");
    p.className = "notice";
    p.textContent = text;
    notice.appendChild(p);
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.classList.contains("act")) return;
    e.preventDefault();
    // A form that stays on the page (opening a round) acts anew each time
    // it is sent; the server keys an action by its fields and this nonce.
    Array.from(form.querySelectorAll("input[data-fresh]")).forEach(function (n) {
      var bytes = new Uint8Array(12);
      crypto.getRandomValues(bytes);
      n.value = Array.from(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    });
    var body = new URLSearchParams(new FormData(form));
    Array.from(form.querySelectorAll("button")).forEach(function (b) { b.disabled = true; });
    // Not form.action: the forms have a field named "action", which
    // shadows the property.
    fetch(form.getAttribute("action"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    })
      .then(function (r) {
        return r.json().catch(function () {
          return { notice: main.dataset.textFailed.replace("{status}", function () { return String(r.status); }) };
        });
      })
      .then(function (res) {
        say(res.notice || "");
        if (form.closest("aside")) form.reset();
        return refresh();
      })
      .catch(function () { say(main.dataset.textUnreachable); })
      .finally(function () {
        Array.from(form.querySelectorAll("button")).forEach(function (b) { b.disabled = false; });
      });
  });

  timer = setInterval(refresh, 3000);
})();
