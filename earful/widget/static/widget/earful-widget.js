/* Earful website widget. Embed with:
 *   <script src="https://earful.example/widget.js" data-survey="PUBLIC_ID" async></script>
 * A "Feedback" button opens the survey's questions. Answers are queued in localStorage with
 * their Idempotency-Key and sent; offline or failed sends are retried later with the same key,
 * so the server stores each answer once. No dependencies, no cookies.
 * The survey is worded in the page's data-lang, else the browser's language (navigator.language),
 * when the survey speaks it; else its default language. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.survey) { return; }
  var base = new URL(script.src).origin;
  var surveyId = script.dataset.survey;
  var label = script.dataset.label || "Feedback";
  var language = script.dataset.lang || navigator.language || "";
  var QUEUE = "earful-widget-queue";

  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function writeQueue(items) {
    try { localStorage.setItem(QUEUE, JSON.stringify(items)); } catch (e) { /* private mode */ }
  }
  function newKey() {
    // The time first: keys made one after another sort together in the server's indexes.
    var time = Date.now().toString(36);
    if (window.crypto && crypto.randomUUID) { return time + "-" + crypto.randomUUID(); }
    return time + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  var flushing = false;
  function flush() {
    if (flushing) { return; }
    var items = readQueue();
    if (!items.length) { return; }
    flushing = true;
    var item = items[0];
    fetch(base + "/api/v1/public/surveys/" + item.survey + "/responses", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": item.key },
      body: JSON.stringify({ answers: item.answers })
    }).then(function (reply) {
      flushing = false;
      // 2xx: stored. 4xx other than 429: will never succeed, drop it. 429/5xx: retry later.
      if (reply.ok || (reply.status >= 400 && reply.status < 500 && reply.status !== 429)) {
        writeQueue(readQueue().filter(function (i) { return i.key !== item.key; }));
        flush();
      } else { later(); }
    }).catch(function () { flushing = false; later(); });
  }
  var timer = null, delay = 5000;
  function later() {
    if (timer) { return; }
    timer = setTimeout(function () { timer = null; delay = Math.min(delay * 2, 300000); flush(); }, delay);
  }
  window.addEventListener("online", function () { delay = 5000; flush(); });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  var css = ".ew-btn{position:fixed;right:16px;bottom:16px;z-index:2147483000;background:#0b5cad;color:#fff;border:0;border-radius:24px;padding:10px 18px;font:600 15px system-ui,sans-serif;cursor:pointer}" +
    ".ew-panel{position:fixed;right:16px;bottom:68px;z-index:2147483000;width:min(360px,calc(100vw - 32px));background:#fff;color:#111;border:1px solid #888;border-radius:10px;padding:16px;font:15px/1.4 system-ui,sans-serif;box-shadow:0 6px 24px rgba(0,0,0,.2)}" +
    ".ew-panel fieldset{border:0;margin:0 0 12px;padding:0}.ew-panel legend{font-weight:700;margin-bottom:6px}" +
    ".ew-scale{display:flex;flex-wrap:wrap;gap:4px}.ew-scale label{min-width:30px;text-align:center;border:1px solid #555;border-radius:6px;padding:4px;cursor:pointer}" +
    ".ew-scale input{position:absolute;opacity:0}.ew-scale input:checked+span{font-weight:700;text-decoration:underline}" +
    ".ew-panel textarea{width:100%;box-sizing:border-box;font:inherit}.ew-hp{position:absolute;left:-9999px}" +
    ".ew-send{background:#0b5cad;color:#fff;border:0;border-radius:6px;padding:8px 16px;font:inherit;cursor:pointer}";

  function questionField(q) {
    var set = el("fieldset");
    set.appendChild(el("legend", {}, q.text));
    if (q.scale || q.type === "choice") {
      var box = el("div", { "class": "ew-scale", role: "radiogroup", "aria-label": q.text });
      var shown = q.scale || q.choice_labels || q.choices;
      (q.scale || q.choices).forEach(function (value, i) {
        var lab = el("label");
        var input = el("input", { type: "radio", name: q.key, value: String(value) });
        lab.appendChild(input); lab.appendChild(el("span", {}, String(shown[i])));
        box.appendChild(lab);
      });
      set.appendChild(box);
    } else if (q.type === "text") {
      set.appendChild(el("textarea", { name: q.key, rows: "3", "aria-label": q.text }));
    }
    if (q.comment) {
      set.appendChild(el("textarea", { name: q.key + "_comment", rows: "2",
        "aria-label": q.comment_prompt, placeholder: q.comment_prompt }));
    }
    return set;
  }

  function collect(form, survey) {
    var answers = {};
    survey.questions.forEach(function (q) {
      var field = form.elements[q.key];
      var value = field && (field.value !== undefined ? field.value : "");
      if (value) { answers[q.key] = q.scale ? parseInt(value, 10) : value; }
      var comment = form.elements[q.key + "_comment"];
      if (comment && comment.value.trim()) { answers[q.key + "_comment"] = comment.value.trim(); }
    });
    return answers;
  }

  function open(panel, survey) {
    panel.innerHTML = "";
    panel.setAttribute("lang", survey.language);
    var form = el("form", { "aria-label": survey.title });
    form.appendChild(el("h2", { style: "font-size:17px;margin:0 0 10px" }, survey.title));
    survey.questions.filter(function (q) { return q.type !== "multi_choice"; })
      .forEach(function (q) { form.appendChild(questionField(q)); });
    var hp = el("input", { type: "text", name: "your-website", tabindex: "-1", autocomplete: "off", "class": "ew-hp", "aria-hidden": "true" });
    form.appendChild(hp);
    form.appendChild(el("button", { type: "submit", "class": "ew-send" }, survey.labels.send));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var answers = collect(form, survey);
      if (!hp.value && Object.keys(answers).length) {
        var items = readQueue();
        items.push({ key: newKey(), survey: survey.public_id, answers: answers });
        writeQueue(items);
        flush();
      }
      panel.innerHTML = "";
      panel.appendChild(el("p", { role: "status" }, survey.thank_you || "Thank you!"));
    });
    panel.appendChild(form);
  }

  function start() {
    var style = el("style"); style.textContent = css; document.head.appendChild(style);
    var button = el("button", { type: "button", "class": "ew-btn", "aria-expanded": "false" }, label);
    var panel = el("div", { "class": "ew-panel", hidden: "" });
    var survey = null;
    button.addEventListener("click", function () {
      var show = panel.hidden;
      panel.hidden = !show;
      button.setAttribute("aria-expanded", String(show));
      if (!show || survey) { if (show && survey && !panel.firstChild) { open(panel, survey); } return; }
      fetch(base + "/api/v1/public/widget/" + surveyId + "?lang=" + encodeURIComponent(language)).then(function (r) { return r.json(); })
        .then(function (data) { survey = data; open(panel, survey); })
        .catch(function () { panel.textContent = "Feedback is unavailable right now."; });
    });
    document.body.appendChild(button);
    document.body.appendChild(panel);
    flush();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
