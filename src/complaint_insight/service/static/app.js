// Staff page: sends the text to /v1/triage and shows the result; for a complaint it then asks
// /v1/categorise and /v1/actions/suggest for a suggested category and actions.
// Safety: user and server text only ever enters the page as text nodes (append / textContent),
// never as HTML, and the server's Content-Security-Policy allows no inline script.
"use strict";

(function () {
  const TOKEN_KEY = "complaint-insight.token";
  const form = document.getElementById("triage-form");
  const feedback = document.getElementById("feedback");
  const tokenField = document.getElementById("token-field");
  const tokenInput = document.getElementById("token");
  const resultBody = document.getElementById("result-body");
  let authRequired = false;
  // Restored at once (sessionStorage is synchronous), not after /healthz answers: the field is
  // already filled when /healthz shows it, so a reload never shows it empty for a moment.
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || "";
  let busy = false;
  let runs = 0; // a later check makes the suggestions of an earlier one stale
  // Suggested categories come from these taxonomies (shown in this order); short names for the page.
  const TAXONOMIES = [["qdc", "QDC"], ["hcat", "HCAT"]];
  const STRENGTH = {
    stronger: "stronger (changes the system)",
    intermediate: "intermediate (supports people)",
    weaker: "weaker (relies on people remembering)",
  };

  // Each section turns one triage result into an element, or null when it has nothing to say.
  // Most urgent first. The suggested category and actions follow from their own endpoints.
  const SECTIONS = [verdictSection, flagsSection, promptSection, cuesSection, severitySection];

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function percent(p) {
    // Calibrated, but never certain: do not show 0% or 100%.
    if (p >= 0.995) return "over 99%";
    if (p < 0.005) return "under 1%";
    return Math.round(p * 100) + "%";
  }

  function verdictSection(result) {
    if (result.status === "empty") {
      return el("div", { class: "verdict" }, el("p", {}, el("strong", {}, "Nothing to check.")),
        el("p", {}, "The feedback is empty."));
    }
    if (result.needs_human_reader || result.complaint_probability === null) {
      const why = result.status === "non_english"
        ? "It does not look like English, so it was not assessed."
        : "It could not be read automatically (symbols, codes or damaged text).";
      return el("div", { class: "verdict person" }, el("p", {}, el("strong", {}, "A person needs to read this.")),
        el("p", {}, why));
    }
    const likelihood = el("p", {}, "Likelihood it is a complaint: " + percent(result.complaint_probability) + ".");
    if (result.is_complaint) {
      return el("div", { class: "verdict complaint" }, el("p", {}, el("strong", {}, "Treat this as a complaint.")),
        el("p", {}, "It expresses dissatisfaction that needs a response."), likelihood);
    }
    return el("div", { class: "verdict" }, el("p", {}, el("strong", {}, "This does not read as a complaint.")),
      el("p", {}, "Reply as you normally would; treat it as a complaint if the person says it is one."), likelihood);
  }

  // Cue offsets count Unicode code points (Python), JavaScript strings count UTF-16 units:
  // Array.from splits by code point, so emoji before a cue do not shift the highlight.
  function highlighted(text, cues) {
    const chars = Array.from(text);
    const spans = cues.filter((c) => c.weight > 0 && c.end > c.start)
      .map((c) => [Math.max(0, c.start), Math.min(chars.length, c.end)])
      .sort((a, b) => a[0] - b[0]);
    const quoted = el("p", { class: "quoted" });
    let position = 0;
    for (const [start, end] of spans) {
      if (end <= position) continue; // overlaps a span already marked
      const from = Math.max(start, position);
      quoted.append(chars.slice(position, from).join(""));
      quoted.append(el("mark", {}, chars.slice(from, end).join("")));
      position = end;
    }
    quoted.append(chars.slice(position).join(""));
    return quoted;
  }

  function cuesSection(result, text) {
    const cues = (result.cues || []).filter((c) => c.weight > 0);
    if (!result.is_complaint || cues.length === 0) return null;
    const phrases = el("p", {}, "Words that led here: " + cues.map((c) => "\u201c" + c.text + "\u201d").join(", ") + ".");
    return el("div", {}, el("h3", {}, "Why"), highlighted(text, cues), phrases);
  }

  function hasSeverity(result) {
    return result.severity !== null && result.severity !== undefined;
  }

  function flagsSection(result) {
    const flags = result.red_flags || [];
    if (flags.length === 0) {
      // Only say "none" when the risk checks ran (they set a severity); otherwise stay silent.
      return hasSeverity(result) ? el("div", {}, el("h3", {}, "Red flags"), el("p", {}, "None found.")) : null;
    }
    const list = el("ul", { class: "flags" });
    for (const flag of flags) {
      list.append(el("li", {},
        el("span", { class: "label" }, flag.label), el("br"),
        "What to do now: " + flag.route,
        flag.span ? el("span", {}, el("br"), "Because of: \u201c" + flag.span.text + "\u201d") : null));
    }
    return el("div", {}, el("h3", {}, "Needs a person now"), list);
  }

  function severitySection(result) {
    const parts = [];
    if (hasSeverity(result)) {
      const label = result.severity_label || String(result.severity);
      parts.push(el("h3", {}, "Severity"),
        el("p", {}, label + (result.severity_reason ? ": " + result.severity_reason : "")));
    }
    if (result.intensity) {
      parts.push(el("p", {}, "Tone: " + result.intensity.replace(/_/g, " ") + "."));
    }
    return parts.length ? el("div", {}, ...parts) : null;
  }

  function promptSection(result) {
    if (!result.prompt) return null;
    return el("div", {}, el("h3", {}, "What to say or do"), el("p", {}, result.prompt));
  }

  function suggestionBox(title) {
    return el("div", { class: "suggestions" }, el("h3", {}, title),
      el("p", { class: "pending" }, "Looking for suggestions\u2026"));
  }

  function fill(box, ...nodes) {
    box.replaceChildren(box.firstChild, ...nodes); // keep the heading
  }

  async function post(path, payload, headers) {
    const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(payload) });
    if (!response.ok) throw new Error(path + " answered " + response.status);
    return response.json();
  }

  function categoryList(answers) {
    const list = el("ul", { class: "categories" });
    for (const [answer, short] of answers) {
      const result = answer.results[0];
      for (const category of result.categories || []) {
        list.append(el("li", {}, el("span", { class: "label" }, category.name),
          " (" + short + "), likelihood " + percent(category.probability)));
      }
    }
    if (list.childElementCount === 0) {
      return el("p", {}, "No category stands out. Choose one yourself when you record it.");
    }
    return list;
  }

  function actionList(answer) {
    const actions = answer.results[0].actions || [];
    if (actions.length === 0) return el("p", {}, "No action in the library fits this feedback.");
    const list = el("ol", { class: "actions" });
    for (const action of actions) {
      const strength = STRENGTH[action.strength] || "not known";
      list.append(el("li", {},
        el("span", { class: "label" }, action.text), el("br"),
        "Owner: " + (action.owner || "not known") + ". Strength: " + strength + ".", el("br"),
        el("span", { class: "why" }, "Why: " + action.why)));
    }
    return el("div", {}, list,
      el("p", { class: "hint" }, "For the team that reviews complaints: suggestions, not decisions."));
  }

  // Category and actions for a complaint: asked for after the verdict is on screen, so that the
  // verdict never waits for them; filled in when they arrive unless another check started since.
  function suggest(text, headers, run) {
    const categoryBox = suggestionBox("Suggested category");
    const actionBox = suggestionBox("Suggested actions");
    resultBody.append(categoryBox, actionBox);
    const item = { items: [{ id: "staff-page", text }] };
    const categories = Promise.all(TAXONOMIES.map(([taxonomy, short]) =>
      post("/v1/categorise", { taxonomy, ...item }, headers).then((answer) => [answer, short])));
    const unavailable = (box) => (error) => {
      console.warn(String(error)); // the path and status only, never the text
      if (run === runs) fill(box, el("p", {}, "Suggestions are not available right now."));
    };
    categories.then((answers) => { if (run === runs) fill(categoryBox, categoryList(answers)); })
      .catch(unavailable(categoryBox));
    post("/v1/actions/suggest", { ...item, k: 3 }, headers)
      .then((answer) => { if (run === runs) fill(actionBox, actionList(answer)); })
      .catch(unavailable(actionBox));
  }

  function show(...nodes) {
    resultBody.replaceChildren(...nodes);
  }

  function message(text) {
    show(el("p", { class: "message" }, text));
  }

  async function check() {
    const text = feedback.value;
    if (!text.trim()) {
      message("Type or paste some feedback first.");
      feedback.focus();
      return;
    }
    if (busy) return;
    busy = true;
    const run = ++runs;
    resultBody.setAttribute("aria-busy", "true");
    const headers = { "Content-Type": "application/json" };
    if (authRequired) {
      const token = tokenInput.value.trim();
      sessionStorage.setItem(TOKEN_KEY, token);
      if (token) headers.Authorization = "Bearer " + token;
    }
    try {
      const response = await fetch("/v1/triage", {
        method: "POST",
        headers,
        body: JSON.stringify({ items: [{ id: "staff-page", text }] }),
      });
      if (response.status === 401) {
        tokenField.hidden = false;
        authRequired = true;
        message("The access token is missing or not accepted. Enter the token and check again.");
        tokenInput.focus();
        return;
      }
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        const detail = typeof body.detail === "string" ? body.detail : "the request was not accepted";
        message("Could not check this feedback: " + detail + ".");
        return;
      }
      const result = body.results[0];
      show(...SECTIONS.map((section) => section(result, text)).filter((node) => node !== null));
      if (result.is_complaint) suggest(text, headers, run);
    } catch (error) {
      message("Could not reach the triage service. Try again; if in doubt, treat it as a complaint.");
    } finally {
      busy = false;
      resultBody.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    check();
  });
  feedback.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      check();
    }
  });

  fetch("/healthz")
    .then((response) => response.json())
    .then((health) => {
      authRequired = Boolean(health.auth_required);
      tokenField.hidden = !authRequired;
    })
    .catch(() => {
      // The first check will report an unreachable service.
    });
})();
