// The playground's page: actions are posted with fetch, and the chat view
// is fetched again (as HTML the server escaped) when it changed.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const main = document.getElementById("main");

  async function refresh() {
    const q = new URLSearchParams({ as: main.dataset.as, chat: main.dataset.chat, part: "main" });
    const r = await fetch("/?" + q.toString(), { headers: { Accept: "text/html" } });
    if (!r.ok) return;
    const notice = document.getElementById("notice").textContent;
    main.innerHTML = await r.text();
    document.getElementById("notice").textContent = notice;
    const box = document.querySelector('.say input[name="text"]');
    if (box) box.focus();
  }

  async function poll() {
    try {
      const q = new URLSearchParams({ as: main.dataset.as, chat: main.dataset.chat });
      const r = await fetch("/chat?" + q.toString());
      if (r.ok) {
        const j = await r.json();
        if (String(j.version) !== main.dataset.version) {
          main.dataset.version = String(j.version);
          await refresh();
        }
      }
    } finally {
      setTimeout(poll, 1500);
    }
  }

  document.addEventListener("submit", async function (e) {
    const f = e.target;
    if (f.method.toLowerCase() !== "post") return;
    e.preventDefault();
    const r = await fetch(f.action, {
      method: "POST",
      headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
      body: new URLSearchParams(new FormData(f)),
    });
    if (f.dataset.reload) { location.reload(); return; }
    let j = {};
    try { j = await r.json(); } catch (_) { j = { notice: "Er ging iets mis; laad de pagina opnieuw." }; }
    await refresh();
    document.getElementById("notice").textContent = j.notice || "";
  });

  document.addEventListener("click", function (e) {
    const a = e.target.closest("a.reply");
    if (!a) return;
    e.preventDefault();
    const reply = document.querySelector('.say input[name="reply"]');
    const box = document.querySelector('.say input[name="text"]');
    if (!reply || !box) return;
    reply.value = a.dataset.id;
    box.placeholder = "Antwoord op dit bericht…";
    box.focus();
  });

  const who = document.querySelector('nav select[name="as"]');
  if (who) who.addEventListener("change", function () { who.form.submit(); });

  if (main.dataset.chat) poll();
})();
