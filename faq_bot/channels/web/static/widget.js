/*
 * faq-bot chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" defer data-title="..." data-accent="#1d5c8c"
 *           data-position="bottom-right" data-greeting="..." data-api="https://HOST"></script>
 * Plain JS, no dependencies, no build step. See docs/widget.md.
 *
 * Rules this file keeps:
 * - Every string from the user, the server or storage reaches the page as text (textContent,
 *   createTextNode); nothing is ever parsed as HTML.
 * - Styles live in a shadow root, through a constructed stylesheet, so the host page's CSS
 *   cannot reach in and a strict host CSP needs no 'unsafe-inline'.
 * - The widget only renders replies; what to say is decided by the server.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const LOADED = Symbol.for("faq-bot-widget");
  // Without currentScript the widget cannot find its options or its server; a second copy of the
  // tag must not put a second launcher on the page.
  if (!script || window[LOADED]) {
    return;
  }
  window[LOADED] = true;

  const MAX_QUESTION = 500;
  const MAX_COMMENT = 500;
  // What POST /api/v1/feedback accepts as a reply id; a reply without one gets no thumbs.
  const REPLY_ID = /^[A-Za-z0-9_-]{1,64}$/;
  const FEEDBACK_TIMEOUT_MS = 10000;
  const MAX_STORED = 60;
  const REQUEST_TIMEOUT_MS = 20000;
  const DEFAULT_TITLE = "Kratom and sleep FAQ";
  const DEFAULT_GREETING =
    "Hi! Ask me a question about kratom and sleep. I answer from one article and " +
    "can't give medical advice.";
  const DEFAULT_ACCENT = "#1d5c8c";

  const CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.root {
  --faq-accent: ${DEFAULT_ACCENT};
  --faq-on-accent: #ffffff;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif;
  color: #1b1f24;
  -webkit-text-size-adjust: 100%;
}
button, input { font: inherit; color: inherit; }
.launcher {
  position: fixed; bottom: 20px; right: 20px; z-index: 2147483000;
  display: inline-flex; align-items: center; gap: 8px;
  min-height: 48px; padding: 10px 18px; border: 0; border-radius: 999px;
  background: var(--faq-accent); color: var(--faq-on-accent);
  box-shadow: 0 4px 14px rgba(0, 0, 0, 0.25); cursor: pointer; font-weight: 600;
}
.launcher svg { width: 22px; height: 22px; fill: currentColor; flex: none; }
.root[data-position="bottom-left"] .launcher { right: auto; left: 20px; }
.panel {
  position: fixed; bottom: 84px; right: 20px; z-index: 2147483001;
  display: flex; flex-direction: column;
  width: 380px; max-width: calc(100vw - 40px);
  height: 560px; max-height: calc(100vh - 110px);
  background: #ffffff; border: 1px solid #c9ced6; border-radius: 12px;
  box-shadow: 0 10px 30px rgba(0, 0, 0, 0.25); overflow: hidden;
}
.root[data-position="bottom-left"] .panel { right: auto; left: 20px; }
.header {
  display: flex; align-items: center; gap: 8px; padding: 10px 10px 10px 16px;
  background: var(--faq-accent); color: var(--faq-on-accent);
}
.header h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 600; }
.close {
  width: 40px; height: 40px; border: 0; border-radius: 8px; background: transparent;
  color: inherit; font-size: 24px; line-height: 1; cursor: pointer;
}
.log {
  flex: 1; overflow-y: auto; padding: 12px; background: #f6f7f9;
  display: flex; flex-direction: column; gap: 10px;
}
.msg {
  max-width: 92%; padding: 9px 12px; border-radius: 10px;
  white-space: pre-line; overflow-wrap: anywhere;
}
.msg p { margin: 0; }
.msg p + p, .msg .suggestions, .msg .source, .msg details, .msg .context, .msg .safety {
  margin-top: 8px;
}
.user {
  align-self: flex-end; background: var(--faq-accent); color: var(--faq-on-accent);
  border-bottom-right-radius: 3px;
}
.bot {
  align-self: flex-start; background: #ffffff; border: 1px solid #d6dae0;
  border-bottom-left-radius: 3px;
}
.pending { color: #4a5260; font-style: italic; }
.badge {
  display: inline-block; padding: 1px 8px; border-radius: 999px;
  font-size: 12px; font-weight: 700; letter-spacing: 0.02em; text-transform: uppercase;
}
.badge + .text { margin-top: 6px; }
.kind-referral { background: #fff8e6; border: 1px solid #c98a00; border-left-width: 5px; }
.kind-referral .badge { background: #7a5200; color: #ffffff; }
.kind-emergency { background: #fdecec; border: 2px solid #b3261e; border-left-width: 6px; }
.kind-emergency .badge { background: #b3261e; color: #ffffff; }
.kind-emergency .text { font-weight: 600; }
.source, .safety, .context { font-size: 13px; color: #4a5260; }
.source .section { font-weight: 600; color: #1b1f24; }
details summary { cursor: pointer; font-size: 13px; color: #1b4f78; }
blockquote {
  margin: 6px 0 0; padding: 4px 10px; border-left: 3px solid #c9ced6;
  font-size: 13px; font-style: italic; color: #2c323b;
}
.context { padding: 6px 10px; border-radius: 6px; background: #eef3f8; }
.context ul { margin: 4px 0 0; padding-left: 18px; }
.context li + li { margin-top: 4px; }
a { color: #1b4f78; }
.suggestions { display: flex; flex-direction: column; align-items: flex-start; gap: 6px; }
.suggestion {
  padding: 6px 10px; border: 1px solid #1b4f78; border-radius: 8px; background: #ffffff;
  color: #1b4f78; text-align: left; cursor: pointer;
}
.suggestion:hover { background: #eef3f8; }
.feedback {
  display: flex; flex-wrap: wrap; align-items: center; gap: 6px 8px;
  margin-top: 10px; padding-top: 8px; border-top: 1px solid #e3e6ea;
  font-size: 13px; color: #4a5260; white-space: normal;
}
.feedback-prompt { margin-right: 2px; }
.thumbs { display: inline-flex; gap: 6px; }
.thumb {
  display: inline-flex; align-items: center; justify-content: center;
  width: 40px; height: 34px; padding: 0; border: 1px solid #8a929e; border-radius: 8px;
  background: #ffffff; color: #1b4f78; cursor: pointer;
}
.thumb svg { width: 18px; height: 18px; fill: currentColor; }
.thumb:hover { background: #eef3f8; }
.thumb[aria-pressed="true"] {
  background: var(--faq-accent); border-color: var(--faq-accent); color: var(--faq-on-accent);
}
.thumb[aria-disabled="true"] { cursor: progress; opacity: 0.7; }
.feedback-status { flex-basis: 100%; margin: 0; }
.feedback-status.is-error { color: #8c1d18; }
.feedback-comment { flex-basis: 100%; display: flex; flex-wrap: wrap; gap: 6px; }
.feedback-comment label { flex-basis: 100%; }
.feedback-comment input {
  flex: 1; min-width: 0; min-height: 36px; padding: 6px 8px;
  border: 1px solid #8a929e; border-radius: 8px; background: #ffffff; font-size: 14px;
}
.feedback-comment button {
  min-height: 36px; padding: 6px 12px; border: 1px solid #1b4f78; border-radius: 8px;
  background: #ffffff; color: #1b4f78; font-weight: 600; cursor: pointer;
}
.error {
  margin: 0; padding: 8px 12px; background: #fdecec; color: #8c1d18;
  border-top: 1px solid #e8b4b0; font-size: 14px;
}
.composer {
  display: flex; gap: 8px; padding: 10px; border-top: 1px solid #d6dae0; background: #ffffff;
}
.composer input {
  flex: 1; min-width: 0; min-height: 44px; padding: 8px 10px;
  border: 1px solid #8a929e; border-radius: 8px; background: #ffffff; font-size: 16px;
}
.send {
  min-height: 44px; padding: 8px 16px; border: 0; border-radius: 8px;
  background: var(--faq-accent); color: var(--faq-on-accent); font-weight: 600; cursor: pointer;
}
.send:disabled { opacity: 0.6; cursor: progress; }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
@media (max-width: 480px) {
  .panel, .root[data-position="bottom-left"] .panel {
    inset: 0; width: 100%; max-width: none; height: 100%; max-height: none;
    border: 0; border-radius: 0;
  }
  .launcher { bottom: 14px; right: 14px; }
  .root[data-position="bottom-left"] .launcher { left: 14px; }
}
@media (prefers-reduced-motion: no-preference) {
  .panel { animation: faq-in 120ms ease-out; }
  @keyframes faq-in { from { opacity: 0; transform: translateY(8px); } }
}
`;

  // --- options ---------------------------------------------------------------------------------

  const data = script.dataset;

  function httpUrl(value, base) {
    try {
      const url = new URL(value, base);
      return url.protocol === "http:" || url.protocol === "https:" ? url : null;
    } catch (err) {
      return null;
    }
  }

  const scriptUrl = httpUrl(script.src, document.baseURI);
  const apiUrl = (data.api && httpUrl(data.api, document.baseURI)) || scriptUrl;
  if (!apiUrl) {
    return;
  }
  const api = data.api ? apiUrl.href.replace(/\/+$/, "") : apiUrl.origin;
  const title = (data.title || "").trim() || DEFAULT_TITLE;
  const greeting = (data.greeting || "").trim() || DEFAULT_GREETING;
  const position = data.position === "bottom-left" ? "bottom-left" : "bottom-right";
  const accent = data.accent && isColor(data.accent) ? data.accent : DEFAULT_ACCENT;

  function isColor(value) {
    return Boolean(window.CSS && window.CSS.supports && window.CSS.supports("color", value));
  }

  // Text on the accent colour: black or white, whichever contrasts more, so any data-accent
  // stays readable.
  function textOn(color) {
    const canvas = document.createElement("canvas");
    const ctx = canvas.getContext && canvas.getContext("2d");
    if (!ctx) {
      return "#ffffff";
    }
    ctx.fillStyle = "#000000";
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
    const lin = (c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    };
    const lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    return (1.05) / (lum + 0.05) >= (lum + 0.05) / 0.05 ? "#ffffff" : "#000000";
  }

  // --- state kept for the tab ------------------------------------------------------------------

  const STORAGE_KEY = "faq-bot:" + api;

  function newSessionId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function loadState() {
    try {
      const saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null");
      if (saved && typeof saved.sessionId === "string" && Array.isArray(saved.messages)) {
        return { sessionId: saved.sessionId, open: saved.open === true, messages: saved.messages,
                 conversation: typeof saved.conversation === "string" ? saved.conversation : "" };
      }
    } catch (err) {
      // Storage may be off (private modes, sandboxed frames): the chat works, only unsaved.
    }
    // `conversation`: the last reply's token, sent with the next question of this open chat.
    return { sessionId: newSessionId(), open: false, messages: [], conversation: "" };
  }

  const state = loadState();

  function saveState() {
    state.messages = state.messages.slice(-MAX_STORED);
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (err) {
      // See loadState.
    }
  }

  // --- DOM helpers: text only ------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function str(value) {
    return typeof value === "string" ? value : "";
  }

  // A link from reply data: only http(s) URLs become links, and they open in a new tab without
  // giving the new page a handle on this one.
  function link(label, href) {
    const url = httpUrl(href, undefined);
    if (!url) {
      return el("span", "", label);
    }
    const a = el("a", "", label);
    a.href = url.href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.appendChild(el("span", "visually-hidden", " (opens in a new tab)"));
    return a;
  }

  // --- building the widget ---------------------------------------------------------------------

  const host = document.createElement("div");
  host.setAttribute("data-faq-bot", "");
  const shadow = host.attachShadow({ mode: "open" });

  if (shadow.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    // Older browsers only; under a CSP this path needs style-src 'unsafe-inline'.
    shadow.appendChild(el("style", "", CSS));
  }

  const root = el("div", "root");
  root.dataset.position = position;
  root.style.setProperty("--faq-accent", accent);
  root.style.setProperty("--faq-on-accent", textOn(accent));
  shadow.appendChild(root);

  const launcher = el("button", "launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-haspopup", "dialog");
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "faq-bot-panel");
  const SVG = "http://www.w3.org/2000/svg";
  const icon = document.createElementNS(SVG, "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("aria-hidden", "true");
  icon.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 " +
    "2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z");
  icon.appendChild(path);
  launcher.appendChild(icon);
  launcher.appendChild(el("span", "", title));

  const panel = el("div", "panel");
  panel.id = "faq-bot-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-modal", "false");
  panel.setAttribute("aria-labelledby", "faq-bot-title");

  const header = el("div", "header");
  const heading = el("h2", "", title);
  heading.id = "faq-bot-title";
  const closeButton = el("button", "close");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", "Close chat");
  closeButton.appendChild(el("span", "", "\u00d7")).setAttribute("aria-hidden", "true");
  header.append(heading, closeButton);

  const log = el("div", "log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", "Conversation");
  // The log scrolls, so keyboard users must be able to reach it.
  log.tabIndex = 0;

  const errorBox = el("p", "error");
  errorBox.setAttribute("role", "alert");
  errorBox.hidden = true;

  const form = el("form", "composer");
  form.noValidate = true;
  const label = el("label", "visually-hidden", "Your question");
  label.htmlFor = "faq-bot-input";
  const input = el("input");
  input.id = "faq-bot-input";
  input.type = "text";
  input.name = "question";
  input.maxLength = MAX_QUESTION;
  input.autocomplete = "off";
  input.placeholder = "Type your question";
  input.setAttribute("enterkeyhint", "send");
  const sendButton = el("button", "send", "Send");
  sendButton.type = "submit";
  form.append(label, input, sendButton);

  panel.append(header, log, errorBox, form);
  root.append(launcher, panel);

  // --- feedback on answers ----------------------------------------------------------------------

  // A thumb pointing up; the "not helpful" one is the same shape turned upside down.
  const THUMB = "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-" +
    "1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22" +
    "l3.02-7.05c.09-.23.14-.47.14-.73v-2z";
  let commentBoxes = 0;

  function thumb(label, helpful) {
    const button = el("button", "thumb " + (helpful ? "thumb-up" : "thumb-down"));
    button.type = "button";
    button.setAttribute("aria-label", label);
    button.setAttribute("aria-pressed", "false");
    button.title = label;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const shape = document.createElementNS(SVG, "path");
    shape.setAttribute("d", THUMB);
    if (!helpful) {
      shape.setAttribute("transform", "rotate(180 12 12)");
    }
    svg.appendChild(shape);
    button.appendChild(svg);
    return button;
  }

  // The vote kept with a stored reply, if it is well formed (storage is not trusted).
  function storedVote(message) {
    const saved = message.feedback;
    if (saved && typeof saved === "object" && typeof saved.helpful === "boolean") {
      return { helpful: saved.helpful, commented: saved.commented === true };
    }
    return null;
  }

  function feedbackError(response) {
    const status = response.status;
    if (status === 429) {
      return "Too many votes in a short time. Please wait " + waitPhrase(response) +
        " and try again.";
    }
    if (status === 404) {
      // The reply has expired or this server does not collect feedback.
      return "Sorry, feedback can't be recorded for this answer.";
    }
    if (status >= 500) {
      return "Your feedback couldn't be saved just now. Please try again in a moment.";
    }
    return "Sorry, your feedback couldn't be sent.";
  }

  // POST a vote; resolves to null once the server has stored it, else to a message to show.
  async function postFeedback(body) {
    const controller = window.AbortController ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), FEEDBACK_TIMEOUT_MS) : null;
    try {
      const response = await fetch(api + "/api/v1/feedback", {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: controller ? controller.signal : undefined,
      });
      return response.ok ? null : feedbackError(response);
    } catch (err) {
      return "Couldn't send your feedback. Check your connection and try again.";
    } finally {
      if (timer) {
        clearTimeout(timer);
      }
    }
  }

  // Thumbs up/down, a status line and, after "Not helpful", an optional comment box. The vote
  // is kept on `message` so it is shown again after a reload; the server keeps one vote per
  // reply, so changing it just sends the new one.
  function renderFeedback(slot, replyId, message) {
    const question = "Was this answer helpful?";
    const prompt = el("span", "feedback-prompt", question);
    prompt.setAttribute("aria-hidden", "true");
    const group = el("div", "thumbs");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", question);
    const up = thumb("Helpful", true);
    const down = thumb("Not helpful", false);
    group.append(up, down);

    // Present (empty) from the start, so that screen readers announce what is put in it.
    const status = el("p", "feedback-status");
    status.setAttribute("role", "status");

    const commentForm = el("form", "feedback-comment");
    commentForm.noValidate = true;
    commentBoxes += 1;
    const commentId = "faq-bot-comment-" + commentBoxes;
    const commentLabel = el("label", "", "What were you looking for? (optional)");
    commentLabel.htmlFor = commentId;
    const commentInput = el("input");
    commentInput.id = commentId;
    commentInput.type = "text";
    commentInput.name = "comment";
    commentInput.maxLength = MAX_COMMENT;
    commentInput.autocomplete = "off";
    const commentSend = el("button", "", "Send comment");
    commentSend.type = "submit";
    commentForm.append(commentLabel, commentInput, commentSend);

    slot.append(prompt, group, status, commentForm);

    let vote = storedVote(message);
    let busy = false;

    function show(text, isError) {
      status.textContent = text;
      status.classList.toggle("is-error", isError);
    }

    function paint() {
      up.setAttribute("aria-pressed", String(vote !== null && vote.helpful));
      down.setAttribute("aria-pressed", String(vote !== null && !vote.helpful));
      commentForm.hidden = !(vote && !vote.helpful && !vote.commented);
    }

    function remember(next) {
      vote = next;
      message.feedback = next;
      saveState();
      paint();
    }

    // Buttons stay enabled while a vote is on its way (disabling would drop keyboard focus);
    // clicks in the meantime are ignored.
    async function send(body) {
      busy = true;
      for (const button of [up, down, commentSend]) {
        button.setAttribute("aria-disabled", "true");
      }
      const failure = await postFeedback(body);
      busy = false;
      for (const button of [up, down, commentSend]) {
        button.removeAttribute("aria-disabled");
      }
      if (failure) {
        show(failure, true);
      }
      return failure === null;
    }

    async function choose(helpful) {
      if (busy || (vote && vote.helpful === helpful)) {
        return;
      }
      const changed = vote !== null;
      if (await send({ reply_id: replyId, helpful: helpful, channel: "web" })) {
        remember({ helpful: helpful, commented: false });
        show(changed ? "Thanks, your feedback was updated." : "Thanks for your feedback!", false);
        if (!helpful) {
          commentForm.scrollIntoView({ block: "nearest" });
        }
      }
    }

    up.addEventListener("click", () => choose(true));
    down.addEventListener("click", () => choose(false));
    commentForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const comment = commentInput.value.trim().slice(0, MAX_COMMENT);
      if (!comment || busy || !vote || vote.helpful) {
        return;
      }
      const hadFocus = commentForm.contains(shadow.activeElement);
      if (await send({ reply_id: replyId, helpful: false, comment: comment, channel: "web" })) {
        commentInput.value = "";
        remember({ helpful: false, commented: true });
        show("Thanks, your comment was sent.", false);
        // The form is gone; keep the keyboard next to where it was.
        if (hadFocus) {
          down.focus();
        }
      }
    });

    paint();
    if (vote) {
      show(vote.commented ? "Thanks, your comment was sent." : "Thanks for your feedback!", false);
    }
  }

  // --- rendering replies -----------------------------------------------------------------------

  function renderUser(text) {
    const item = el("div", "msg user");
    item.appendChild(el("span", "visually-hidden", "You: "));
    item.appendChild(document.createTextNode(text));
    return item;
  }

  function renderSource(reply, item) {
    const source = reply.source;
    if (!source || typeof source !== "object") {
      return;
    }
    const line = el("p", "source");
    if (reply.kind === "answer") {
      line.appendChild(document.createTextNode("Source: "));
      line.appendChild(link("\u201c" + str(source.title) + "\u201d", source.url));
      line.appendChild(document.createTextNode(", section "));
      line.appendChild(el("span", "section", str(source.section)));
    } else {
      line.appendChild(document.createTextNode("Source: " + str(source.title)));
    }
    item.appendChild(line);
    if (str(source.quote)) {
      const details = el("details");
      details.appendChild(el("summary", "", "Show the passage from the article"));
      details.appendChild(el("blockquote", "", source.quote));
      item.appendChild(details);
    }
  }

  function renderContext(reply, item) {
    const notes = Array.isArray(reply.context) ? reply.context : [];
    if (!notes.length) {
      return;
    }
    const box = el("div", "context");
    box.setAttribute("role", "note");
    box.appendChild(el("p", "", "What health authorities say:"));
    const list = el("ul");
    for (const note of notes) {
      if (!note || typeof note !== "object") {
        continue;
      }
      const li = el("li", "", str(note.text) + " ");
      const src = note.source && typeof note.source === "object" ? note.source : {};
      if (str(src.title)) {
        li.appendChild(document.createTextNode("("));
        li.appendChild(link(src.title, src.url));
        li.appendChild(document.createTextNode(")"));
      }
      list.appendChild(li);
    }
    box.appendChild(list);
    item.appendChild(box);
  }

  function renderSuggestions(reply, item) {
    const suggestions = Array.isArray(reply.suggestions) ? reply.suggestions : [];
    const questions = suggestions.map((s) => str(s && s.question)).filter(Boolean);
    if (!questions.length) {
      return;
    }
    const group = el("div", "suggestions");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Suggested questions");
    for (const question of questions) {
      const button = el("button", "suggestion", question);
      button.type = "button";
      button.addEventListener("click", () => ask(question, false));
      group.appendChild(button);
    }
    item.appendChild(group);
  }

  // Follow-up questions of an answer: asking one continues this conversation.
  function renderFollowups(reply, item) {
    const followups = Array.isArray(reply.followups) ? reply.followups : [];
    const questions = followups.map((s) => str(s && s.question)).filter(Boolean).slice(0, 4);
    if (!questions.length) {
      return;
    }
    const group = el("div", "suggestions followups");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Ask next");
    for (const question of questions) {
      const button = el("button", "suggestion followup", question);
      button.type = "button";
      button.addEventListener("click", () => ask(question, false));
      group.appendChild(button);
    }
    item.appendChild(group);
  }

  // `live`: a reply arriving now (an emergency interrupts as an alert); replies restored from
  // storage after a reload are shown quietly. `message` is the stored entry of this reply,
  // where its vote is kept.
  function renderBot(reply, live, message) {
    const kind = str(reply.kind) || "answer";
    const item = el("div", "msg bot kind-" + kind.replace(/[^a-z]/g, ""));
    item.dataset.kind = kind;
    if (kind === "emergency" || kind === "referral") {
      item.appendChild(el("span", "badge", kind === "emergency" ? "Emergency" : "See a clinician"));
    }
    const text = el("p", "text", str(reply.text));
    if (kind === "emergency" && live) {
      text.setAttribute("role", "alert");
    }
    item.appendChild(text);
    renderSuggestions(reply, item);
    if (kind === "answer" || kind === "referral" || kind === "emergency") {
      renderSource(reply, item);
    }
    renderContext(reply, item);
    if (kind === "answer") {
      renderFollowups(reply, item);
    }
    if (kind === "answer") {
      // FEEDBACK SLOT: the thumbs up/down for this answer, carrying the reply id that
      // POST /api/v1/feedback needs.
      const slot = el("div", "feedback");
      slot.setAttribute("data-feedback-slot", "");
      slot.dataset.replyId = str(reply.id);
      if (REPLY_ID.test(str(reply.id)) && message) {
        renderFeedback(slot, str(reply.id), message);
      }
      item.appendChild(slot);
    }
    if (str(reply.safety)) {
      item.appendChild(el("p", "safety", reply.safety));
    }
    return item;
  }

  function appendToLog(node) {
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
  }

  // A long answer is read from its start: scroll so the question that asked it is at the top.
  function revealFrom(node) {
    log.scrollTop += node.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
  }

  function renderStored(message) {
    if (message && message.who === "user") {
      appendToLog(renderUser(str(message.text)));
    } else if (message && message.who === "bot" && message.reply) {
      appendToLog(renderBot(message.reply, false, message));
    }
  }

  // --- asking ----------------------------------------------------------------------------------

  let busy = false;

  function retryAfterSeconds(value) {
    if (!value) {
      return null;
    }
    if (/^\d+$/.test(value.trim())) {
      return parseInt(value, 10);
    }
    const when = Date.parse(value);
    return Number.isNaN(when) ? null : Math.max(1, Math.ceil((when - Date.now()) / 1000));
  }

  // "30 seconds", from a 429's Retry-After (which CORS exposes), or "a moment".
  function waitPhrase(response) {
    const wait = retryAfterSeconds(response.headers.get("Retry-After"));
    return wait ? wait + (wait === 1 ? " second" : " seconds") : "a moment";
  }

  async function errorMessage(response) {
    const status = response.status;
    if (status === 429) {
      return "You've sent a lot of questions in a short time. Please wait " +
        waitPhrase(response) + " and try again.";
    }
    if (status === 413) {
      return "That question is too long. Please shorten it to " + MAX_QUESTION +
        " characters or fewer.";
    }
    if (status >= 500) {
      return "Something went wrong on our side. Please try again in a moment.";
    }
    let detail = "";
    try {
      const body = await response.json();
      detail = str(body && body.error && body.error.message).slice(0, 200);
    } catch (err) {
      // Not the contract's JSON body: the generic message below is enough.
    }
    return "Sorry, that question couldn't be sent." + (detail ? " " + detail : "");
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function clearError() {
    errorBox.textContent = "";
    errorBox.hidden = true;
  }

  async function ask(question, fromInput) {
    question = question.trim().slice(0, MAX_QUESTION);
    if (!question || busy) {
      return;
    }
    busy = true;
    const hadFocus = panel.contains(shadow.activeElement);
    sendButton.disabled = true;
    log.setAttribute("aria-busy", "true");
    clearError();
    const mine = renderUser(question);
    appendToLog(mine);
    const pending = el("div", "msg bot pending", "Looking that up\u2026");
    appendToLog(pending);

    const controller = window.AbortController ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS) : null;
    let reply = null;
    let failure = null;
    try {
      const response = await fetch(api + "/api/v1/ask", {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(Object.assign(
          { question: question, channel: "web", session_id: state.sessionId },
          state.conversation ? { conversation: state.conversation } : {})),
        signal: controller ? controller.signal : undefined,
      });
      if (response.ok) {
        reply = await response.json();
        if (!reply || typeof reply !== "object" || typeof reply.kind !== "string") {
          reply = null;
          failure = "Something went wrong on our side. Please try again in a moment.";
        }
      } else {
        failure = await errorMessage(response);
      }
    } catch (err) {
      failure = err && err.name === "AbortError"
        ? "The FAQ service took too long to answer. Please try again."
        : "Can't reach the FAQ service right now. Check your connection and try again.";
    } finally {
      if (timer) {
        clearTimeout(timer);
      }
    }

    pending.remove();
    if (reply) {
      const message = { who: "bot", reply: reply };
      appendToLog(renderBot(reply, true, message));
      revealFrom(mine);
      state.messages.push({ who: "user", text: question });
      state.messages.push(message);
      if (typeof reply.conversation === "string") {
        state.conversation = reply.conversation;
      }
      saveState();
      if (fromInput) {
        input.value = "";
      }
    } else {
      // The question was not answered: take it out of the log and leave it in the box to retry.
      mine.remove();
      if (!fromInput && !input.value) {
        input.value = question;
      }
      showError(failure);
    }
    busy = false;
    sendButton.disabled = false;
    log.removeAttribute("aria-busy");
    // Keep the keyboard in the composer, but never pull focus back from elsewhere on the page.
    if (!panel.hidden && (hadFocus || panel.contains(shadow.activeElement))) {
      input.focus();
    }
  }

  // --- opening and closing ---------------------------------------------------------------------

  function open(focus) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    log.scrollTop = log.scrollHeight;
    state.open = true;
    saveState();
    if (focus) {
      input.focus();
    }
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    saveState();
    launcher.focus();
  }

  launcher.addEventListener("click", () => (panel.hidden ? open(true) : close()));
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask(input.value, true);
  });

  function mount() {
    appendToLog(renderBot({ kind: "smalltalk", text: greeting }, false));
    state.messages.forEach(renderStored);
    document.body.appendChild(host);
    if (state.open) {
      // Reopened after a reload, without taking focus from the page.
      open(false);
    }
  }

  if (document.body) {
    mount();
  } else {
    document.addEventListener("DOMContentLoaded", mount);
  }
})();
