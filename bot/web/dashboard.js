// The dashboard's script: it refreshes the process's overview every few
// seconds without reloading, and takes actions without leaving the page.
// Everything it inserts is HTML the server rendered and escaped.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !main.dataset.refresh) return;
  var csrf = document.querySelector('meta[name="csrf"]').content;
  var last = "";

  function refresh() {
    return fetch(main.dataset.refresh, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (html === last) return;
        last = html;
        var doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
        var notice = document.getElementById("notice");
        var kept = notice ? notice.cloneNode(true) : null;
        main.replaceChildren.apply(main, Array.from(doc.body.childNodes));
        var fresh = document.getElementById("notice");
        if (kept && fresh && !fresh.textContent.trim()) fresh.replaceWith(kept);
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
    var body = new URLSearchParams(new FormData(form));
    Array.from(form.querySelectorAll("button")).forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    })
      .then(function (r) { return r.json().catch(function () { return { notice: "Dat lukte niet (" + r.status + ")." }; }); })
      .then(function (res) {
        say(res.notice || "");
        if (form.closest("aside")) form.reset();
        return refresh();
      })
      .finally(function () {
        Array.from(form.querySelectorAll("button")).forEach(function (b) { b.disabled = false; });
      });
  });

  setInterval(refresh, 3000);
})();
