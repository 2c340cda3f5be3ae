// The playground's page. Actions are posted with fetch; the chat view is
// fetched again (as HTML the server escaped) after each action and when
// polling finds that the chat or the form changed. What the person was
// typing survives a refresh. Text from data is only ever set with
// textContent here; the script's own texts come from the server, in the
// page's language (data-text-* on main).
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const main = document.getElementById("main");
  const $ = function (id) { return document.getElementById(id); };
  let replyTo = ""; // the id of the bot's message being answered
  let latest = 0; // the newest refresh: an older one that ends later is dropped
  let busy = 0; // actions in flight, shown as aria-busy on main

  function formKey() {
    const f = $("form");
    return f ? f.dataset.form : "";
  }

  function setBusy(d) {
    busy += d;
    if (busy > 0) main.setAttribute("aria-busy", "true");
    else main.removeAttribute("aria-busy");
  }

  function showReply() {
    const m = replyTo ? $(replyTo) : null;
    if (!m) replyTo = "";
    for (const el of main.querySelectorAll(".msg.replying")) el.classList.remove("replying");
    const hidden = document.querySelector('#say input[name="reply"]');
    if (hidden) hidden.value = replyTo;
    const bar = $("replybar");
    if (!bar) return;
    bar.hidden = !m;
    if (m) {
      m.classList.add("replying");
      // The text comes from the server, in the page's language, with
      // {text} where the message goes (a function: the message is never
      // read as a replacement pattern).
      const text = m.querySelector(".text").textContent;
      bar.querySelector("span").textContent = main.dataset.textReplying.replace("{text}", function () { return text; });
    }
  }

  function scrollToEnd() {
    const list = $("messages");
    if (list) list.scrollTop = list.scrollHeight;
  }

  // refresh shows the chat view anew. After one's own action (own) it
  // scrolls to the end and puts the cursor in a new form or the message box.
  async function refresh(own) {
    const n = ++latest;
    const q = new URLSearchParams({ as: main.dataset.as, chat: main.dataset.chat, part: "main" });
    const r = await fetch("/?" + q.toString(), { headers: { Accept: "text/html" } });
    if (!r.ok) return;
    const html = await r.text();
    if (n !== latest) return;
    // While an action is on its way, a poll leaves the page alone: the
    // action's own refresh follows, after its form was emptied.
    if (!own && busy > 0) return;
    const list = $("messages");
    const atEnd = !list || list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    const active = document.activeElement;
    const focus = active && active !== main && main.contains(active) ? active.id : "";
    const kept = new Map();
    for (const el of main.querySelectorAll("[data-keep]")) kept.set(el.dataset.keep, el.value);
    const oldForm = formKey();
    const notice = $("notice").textContent;
    main.innerHTML = html;
    $("notice").textContent = notice;
    for (const el of main.querySelectorAll("[data-keep]")) {
      if (kept.has(el.dataset.keep)) el.value = kept.get(el.dataset.keep);
    }
    main.dataset.version = $("messages").dataset.version;
    showReply();
    if (own || atEnd) scrollToEnd();
    const target = (formKey() !== oldForm && $("field-0")) || (focus && $(focus)) || (own && $("say-text"));
    if (target) target.focus();
  }

  async function poll() {
    try {
      const q = new URLSearchParams({ as: main.dataset.as, chat: main.dataset.chat });
      const r = await fetch("/chat?" + q.toString(), { headers: { Accept: "application/json" } });
      if (r.ok) {
        const j = await r.json();
        if (String(j.version) !== main.dataset.version || (j.form ? j.form.data : "") !== formKey()) {
          await refresh(false);
        }
      }
    } catch (_) {
      // The playground is away (restarting): the next poll tries again.
    } finally {
      setTimeout(poll, 1500);
    }
  }

  document.addEventListener("submit", async function (e) {
    const f = e.target;
    if (f.method.toLowerCase() !== "post") return;
    e.preventDefault();
    const s = e.submitter;
    const action = s && s.hasAttribute("formaction") ? s.formAction : f.action;
    const body = new URLSearchParams(new FormData(f));
    let notice = "";
    setBusy(1);
    try {
      const r = await fetch(action, {
        method: "POST",
        headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
        body: body,
      });
      if (f.dataset.reload) {
        location.reload();
        return;
      }
      let j = {};
      try { j = await r.json(); } catch (_) { j = { notice: main.dataset.textFailed }; }
      notice = j.notice || "";
      if (r.ok) {
        f.reset();
        if (f.id === "say") replyTo = "";
      }
      await refresh(true);
    } catch (_) {
      notice = main.dataset.textUnreachable;
    } finally {
      $("notice").textContent = notice;
      // The count of actions done lets a test wait for the one it took.
      main.dataset.actions = String(Number(main.dataset.actions || 0) + 1);
      setBusy(-1);
    }
  });

  document.addEventListener("click", function (e) {
    const b = e.target.closest("button.reply, #reply-cancel");
    if (!b) return;
    replyTo = b.id === "reply-cancel" ? "" : b.dataset.id;
    showReply();
    const box = $("say-text");
    if (box) box.focus();
  });

  document.addEventListener("keydown", function (e) {
    // Ctrl+Enter sends the form; Escape stops answering a message.
    const form = $("form");
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && form && form.contains(e.target)) {
      e.preventDefault();
      form.requestSubmit($("form-send"));
    } else if (e.key === "Escape" && replyTo) {
      replyTo = "";
      showReply();
    }
  });

  if (main.dataset.chat) {
    scrollToEnd();
    setTimeout(poll, 1500);
  }
})();
