/* Chat enhancements: the answer streams in while it is written, feedback is sent without a reload.
   Without JavaScript (or without fetch streaming) the page works with plain form posts. */
(function () {
  "use strict";

  var form = document.getElementById("ask-form");
  if (!form || !window.fetch || !window.TextDecoder || !window.ReadableStream) {
    return;
  }
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var conversation = document.getElementById("conversation");
  var textarea = document.getElementById("question");
  var button = document.getElementById("ask-button");
  var conversationId = document.getElementById("conversation-id");
  var historyList = document.getElementById("history-list");
  var hint = document.getElementById("ask-hint");
  if (hint) { hint.hidden = false; }  // Enter sends only with this script
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.appendChild(status);
  var busy = false;
  var pending = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function buildTurn(question) {
    pending += 1;
    var id = "q-pending-" + pending;
    var article = el("article", "turn");
    article.setAttribute("aria-labelledby", id);
    var bubble = el("div", "bubble-question");
    var who = el("h2", "who", "Ihre Frage");
    who.id = id;
    bubble.appendChild(who);
    var questionText = el("p", "question-text", question);
    bubble.appendChild(questionText);
    var card = el("div", "answer-card status-answered");
    card.setAttribute("aria-busy", "true");
    var head = el("div", "answer-head");
    head.appendChild(el("span", "who", "Antwort"));
    head.appendChild(el("span", "badge badge-answered", "wird erstellt …"));
    head.appendChild(el("span", "ai-tag", "KI-generiert"));
    var notices = el("div", "js-notices");
    // "Sprachmodell antwortet …" while the model has not finished its first statement.
    var progress = el("p", "llm-progress");
    progress.setAttribute("aria-live", "polite");
    progress.hidden = true;
    var body = el("div", "answer-text");
    var text = el("p", "streaming-text");
    body.appendChild(text);
    card.appendChild(head);
    card.appendChild(notices);
    card.appendChild(progress);
    card.appendChild(body);
    article.appendChild(bubble);
    article.appendChild(card);
    return {
      article: article, card: card, notices: notices, progress: progress, text: text, question: questionText
    };
  }

  function showError(turn, message) {
    var box = el("div", "callout callout-error");
    box.setAttribute("role", "alert");
    box.appendChild(el("p", null, message));
    turn.card.className = "answer-card status-refused";
    turn.card.textContent = "";
    turn.card.appendChild(box);
  }

  // The first answer of a new conversation puts it into "Ihre Gespräche" without a reload.
  function remember(id, question) {
    if (!historyList || !id || historyList.querySelector('a[href="/chat/c/' + id + '"]')) { return; }
    var empty = document.getElementById("history-empty");
    if (empty) { empty.remove(); }
    historyList.querySelectorAll("a[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
    var item = el("li");
    var title = (question || "Gespräch ohne gespeicherte Frage").replace(/\s+/g, " ").trim();
    var link = el("a", null, title.length > 80 ? title.slice(0, 79) + "…" : title);
    link.href = "/chat/c/" + id;
    link.setAttribute("aria-current", "page");
    item.appendChild(link);
    var when = el("time", "history-when", "gerade eben");
    when.dateTime = new Date().toISOString();
    item.appendChild(when);
    historyList.insertBefore(item, historyList.firstChild);
  }

  function parseFrame(frame) {
    var event = "message";
    var data = [];
    frame.split("\n").forEach(function (line) {
      if (line.indexOf("event:") === 0) { event = line.slice(6).trim(); }
      else if (line.indexOf("data:") === 0) { data.push(line.slice(5).replace(/^ /, "")); }
    });
    return { event: event, data: data.length ? JSON.parse(data.join("\n")) : {} };
  }

  function handle(message, turn) {
    var data = message.data;
    if (message.event === "notice") {
      var box = el("div", "callout callout-" + data.kind);
      box.setAttribute("role", "note");
      box.appendChild(el("p", null, data.text));
      turn.notices.appendChild(box);
    } else if (message.event === "progress") {
      turn.progress.textContent = data.seconds ? data.text + " (" + data.seconds + " s)" : data.text;
      turn.progress.hidden = false;
    } else if (message.event === "delta") {
      turn.progress.hidden = true;
      turn.text.textContent += data.text;
    } else if (message.event === "done") {
      // The server renders the finished answer with the same template as the page without JavaScript.
      turn.card.className = "answer-card status-" + data.status;
      turn.card.innerHTML = data.html;
      if (data.log_id) { turn.article.id = "a-" + data.log_id; }
      // Show the question back only as the server redacted it: no case data stays on the page.
      if (data.question) { turn.question.textContent = data.question; }
      remember(data.conversation_id, data.question);
      status.textContent = data.status === "answered" ? "Antwort ist fertig." :
        data.status === "refused" ? "Die Frage wurde nicht bearbeitet." : "Keine belastbare Quelle gefunden.";
    } else if (message.event === "error") {
      showError(turn, data.message);
    }
  }

  async function stream(question, turn) {
    var response = await fetch("/chat/stream", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream", "X-CSRF-Token": csrf },
      body: JSON.stringify({ question: question, conversation_id: conversationId.value || null })
    });
    if (!response.ok) {
      var message = "Die Frage konnte nicht gesendet werden. Bitte laden Sie die Seite neu.";
      try { message = (await response.json()).error.message; } catch (ignored) { /* keep the default */ }
      showError(turn, message);
      return false;
    }
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) { break; }
      buffer += decoder.decode(chunk.value, { stream: true });
      var end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        var frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.trim()) { handle(parseFrame(frame), turn); }
      }
    }
    return true;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var question = textarea.value.trim();
    if (!question || busy) { return; }
    busy = true;
    button.disabled = true;
    status.textContent = "Antwort wird erstellt …";
    var empty = document.getElementById("empty-state");
    if (empty) { empty.remove(); }
    var turn = buildTurn(question);
    conversation.appendChild(turn.article);
    turn.article.scrollIntoView({ block: "start", behavior: reduceMotion ? "auto" : "smooth" });
    textarea.value = "";
    var ok = false;
    try {
      ok = await stream(question, turn);
    } catch (error) {
      showError(turn, "Die Verbindung wurde unterbrochen. Bitte versuchen Sie es erneut.");
    } finally {
      if (!ok) { textarea.value = question; }
      turn.card.setAttribute("aria-busy", "false");
      busy = false;
      button.disabled = false;
      textarea.focus();
    }
  });

  // Enter sends, Shift+Enter makes a new line, as in every chat tool. Not while an input method is
  // composing a word (Enter confirms the word there).
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  // Example questions are submit buttons of their own form; with JavaScript they stream like any question.
  document.addEventListener("click", function (event) {
    var example = event.target.closest && event.target.closest("button.example");
    if (!example) { return; }
    event.preventDefault();
    textarea.value = example.value;
    form.requestSubmit();
  });

  conversation.addEventListener("submit", async function (event) {
    var feedback = event.target;
    if (!feedback.matches("form[data-feedback]")) { return; }
    event.preventDefault();
    var submitter = event.submitter;
    var choice = submitter ? submitter.value : "";
    var mismatch = feedback.querySelector('input[name="source_mismatch"]');
    var body = {
      log_id: feedback.querySelector('input[name="log_id"]').value,
      helpful: choice === "yes" ? true : choice === "no" ? false : null,
      source_mismatch: mismatch ? mismatch.checked : false,
      comment: feedback.querySelector('textarea[name="comment"]').value || null
    };
    var response = await fetch("/api/feedback", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    });
    var note = el("p", response.ok ? "feedback-done" : "field-error");
    note.setAttribute("role", "status");
    if (response.ok) {
      note.textContent = "Danke für Ihre Rückmeldung.";
    } else {
      var message = "Die Rückmeldung konnte nicht gespeichert werden.";
      try { message = (await response.json()).error.message; } catch (ignored) { /* keep the default */ }
      note.textContent = message;
    }
    feedback.replaceWith(note);
  });
})();
