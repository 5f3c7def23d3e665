// zopa class mode: the teacher's, the joining and the coding pages' only script.
// Every string from the server is put in the page with textContent (never as HTML);
// tokens travel in the Authorization header, never in a cookie.
"use strict";
(function () {
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  function status(text, isError) {
    const el = $("#status");
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("error", Boolean(isError));
  }
  function messages(data) {
    if (data && Array.isArray(data.errors)) {
      return data.errors.map((e) => (e.field ? e.field + ": " : "") + e.message).join("\n");
    }
    return "the server did not answer as expected";
  }
  async function api(method, path, body, token, type) {
    const headers = {};
    if (token) headers.Authorization = "Bearer " + token;
    let payload;
    if (body instanceof Blob) {
      headers["Content-Type"] = type || "application/zip";
      payload = body;
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const res = await fetch(path, { method, headers, body: payload, cache: "no-store" });
    let data = null;
    try { data = await res.json(); } catch (err) { data = null; }
    return { ok: res.ok, status: res.status, data };
  }
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function row(cells, cls) {
    const tr = el("tr", null, cls);
    cells.forEach((c) => tr.appendChild(c instanceof Node ? c : el("td", c)));
    return tr;
  }
  const fmt = (x, d = 3) => (x === null || x === undefined ? "–" : Number(x).toFixed(d));
  const pct = (x) => (x === null || x === undefined ? "–" : Math.round(100 * x) + "%");
  const ids = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);
  const storeKey = (code) => "zopa-student-" + code;
  // shared with classroom_exercises.js (the concessions and debrief exercises)
  const shared = { $, $$, api, el, row, fmt, pct, messages, storeKey };
  window.zopaClass = shared;
  const EXERCISE_NAMES = { coding: "Coding", concessions: "Concessions", debrief: "Debrief" };
  const EXERCISES = ["coding", "concessions", "debrief"];
  // what a class runs, in the words of the teacher page's header (exercise_routes.running_words)
  const RUN_NAMES = { coding: "coding", concessions: "concessions", debrief: "the negotiation debrief" };
  function running(exercises, units) {
    const name = (ex) => (ex === "coding" && exercises[ex] === "open"
      ? "coding (" + units + " position" + (units === 1 ? "" : "s") + " to code)" : RUN_NAMES[ex]);
    const opened = EXERCISES.filter((ex) => exercises[ex] === "open").map(name);
    const closed = EXERCISES.filter((ex) => exercises[ex] === "closed").map(name);
    if (!opened.length && !closed.length) return "No exercise open yet: open one below";
    return (opened.length ? "Open: " + opened.join(", ") : "No exercise open") +
      (closed.length ? " · Closed: " + closed.join(", ") : "");
  }

  // --- starting a class ----------------------------------------------------------
  function newClass() {
    const form = $("#class-form");
    const debriefBox = form.querySelector("input[name=exercises][value=debrief]");
    function scorable() {  // the debrief needs a case with points tables; an upload is checked on creation
      const why = form.upload.files[0] ? "" : form.case.selectedOptions[0].dataset.unscorable;
      debriefBox.disabled = Boolean(why);
      if (why) debriefBox.checked = false;
      $("#debrief-why").hidden = !why;
      $("#debrief-why").textContent = why ? "The debrief needs a case whose roles have points tables (such as harbour-lease): " + why + "." : "";
    }
    form.case.addEventListener("change", scorable);
    form.upload.addEventListener("change", scorable);
    scorable();
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const parties = ids(form.parties.value);
      const issues = ids(form.issues.value);
      const exercises = $$("input[name=exercises]:checked", form).map((c) => c.value);
      const file = form.upload.files[0];
      status("Creating the class…");
      let r;
      if (file) {
        const q = new URLSearchParams();
        if (parties.length) q.set("parties", parties.join(","));
        if (issues.length) q.set("issues", issues.join(","));
        q.set("exercises", exercises.join(","));
        r = await api("POST", "/api/classes?" + q.toString(), file, null, "application/zip");
      } else {
        r = await api("POST", "/api/classes", { case: form.case.value, parties, issues, exercises });
      }
      if (!r.ok) { status(messages(r.data), true); return; }
      window.location.assign(r.data.teacher_url);
    });
  }

  // --- joining -----------------------------------------------------------------------
  function join() {
    const main = $("#join");
    const code = main.dataset.code;
    const form = $("#join-form");
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const r = await api("POST", "/api/classes/" + encodeURIComponent(code) + "/students", { name: form.name.value });
      if (!r.ok) { status(messages(r.data), true); return; }
      sessionStorage.setItem(storeKey(code), JSON.stringify({ token: r.data.student_token, name: r.data.name }));
      window.location.assign("/class/" + encodeURIComponent(code) + "/student");
    });
  }

  // --- a student's coding ------------------------------------------------------------
  function readUnit(fs) {
    const get = (name) => fs.querySelector("[name=" + name + "]");
    const out = {};
    if (fs.dataset.interval === "true") {
      out.ideal = get("ideal").value === "" ? null : Number(get("ideal").value);
      const lo = get("acc-min").value, hi = get("acc-max").value;
      if (lo !== "" || hi !== "") out.acceptable = { min: Number(lo === "" ? out.ideal : lo), max: Number(hi === "" ? out.ideal : hi) };
    } else {
      out.ideal = get("ideal").value || null;
      const acc = $$("input[name=acceptable]:checked", fs).map((c) => c.value);
      if (out.ideal && !acc.includes(out.ideal)) acc.unshift(out.ideal);
      out.acceptable = acc;
    }
    out.salience = Number(get("salience").value);
    out.red_line = get("red_line").checked;
    out.sources = $$("select[name=sources] option:checked", fs).map((o) => o.value);
    out.justification = get("justification").value;
    return out;
  }
  function fillUnit(fs, pos) {
    const get = (name) => fs.querySelector("[name=" + name + "]");
    if (fs.dataset.interval === "true") {
      get("ideal").value = pos.ideal;
      if (pos.acceptable && pos.acceptable.min !== undefined) {
        get("acc-min").value = pos.acceptable.min;
        get("acc-max").value = pos.acceptable.max;
      }
    } else {
      get("ideal").value = pos.ideal;
      $$("input[name=acceptable]", fs).forEach((c) => { c.checked = (pos.acceptable || []).includes(c.value); });
    }
    get("salience").value = pos.salience;
    get("red_line").checked = Boolean(pos.red_line);
    $$("select[name=sources] option", fs).forEach((o) => { o.selected = (pos.sources || []).includes(o.value); });
    get("justification").value = pos.justification || "";
  }
  function alphaTable(a) {
    const t = el("table", null, "alpha");
    const head = el("thead");
    head.appendChild(row(["Variable", "α", "95% interval", "Reading"].map((h) => el("th", h))));
    t.appendChild(head);
    const body = el("tbody");
    ["ideal", "acceptable", "salience", "red_line"].forEach((v) => {
      const iv = a.intervals[v];
      const tr = row([el("th", v.replace("_", " ")), fmt(a.alpha[v]), iv ? fmt(iv[0]) + " – " + fmt(iv[1]) : "–", a.reading[v] || a.reason]);
      tr.dataset.variable = v;
      tr.dataset.alpha = a.alpha[v] === null ? "" : String(a.alpha[v]);
      body.appendChild(tr);
    });
    t.appendChild(body);
    return t;
  }
  function student() {
    const main = $("#student");
    const code = main.dataset.code;
    const saved = JSON.parse(sessionStorage.getItem(storeKey(code)) || "null");
    const form = $("#coding-form");
    if (!saved) { $("#no-token").hidden = false; form.hidden = true; return; }
    $("#who").textContent = saved.name;
    const base = "/api/classes/" + encodeURIComponent(code);
    api("GET", base + "/coding", undefined, saved.token).then((r) => {
      if (!r.ok) { status(messages(r.data), true); return; }
      $$("fieldset.unit", form).forEach((fs) => {
        const pos = (r.data.positions[fs.dataset.party] || {})[fs.dataset.issue];
        if (pos) fillUnit(fs, pos);
      });
      if (r.data.revision) status("Your coding is saved (version " + r.data.revision + "). You can change it and submit again.");
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const positions = {};
      $$("fieldset.unit", form).forEach((fs) => {
        const pos = readUnit(fs);
        if (pos.ideal === null) return;
        (positions[fs.dataset.party] = positions[fs.dataset.party] || {})[fs.dataset.issue] = pos;
      });
      status("Saving…");
      const r = await api("PUT", base + "/coding", { positions }, saved.token);
      if (!r.ok) { status(messages(r.data), true); return; }
      status("Saved: the teacher has your coding (version " + r.data.revision + ").");
    });
    async function poll() {
      const r = await api("GET", base + "/results", undefined, saved.token);
      if (r.ok && !r.data.coders) return; // revealed, but this class coded nothing
      if (r.ok) {
        const box = $("#results-body");
        box.replaceChildren(el("p", r.data.coders + " codings compared."), alphaTable(r.data));
        $("#results").hidden = false;
        return;
      }
      setTimeout(poll, 5000);
    }
    poll();
  }

  // --- the teacher's dashboard -------------------------------------------------------
  function heatClass(distinct, coded) {
    if (!coded) return "spread-none";
    return distinct <= 1 ? "spread-0" : distinct === 2 ? "spread-1" : distinct === 3 ? "spread-2" : "spread-3";
  }
  function teacher() {
    const main = $("#teacher");
    const code = main.dataset.code;
    const token = main.dataset.token;
    const base = "/api/classes/" + encodeURIComponent(code);
    let codingOpen = true;
    $("#reveal").addEventListener("click", async () => {
      const r = await api("POST", base + "/reveal", undefined, token);
      status(r.ok ? "Results revealed to the students." : messages(r.data), !r.ok);
      refresh();
    });
    $("#toggle-coding").addEventListener("click", async () => {
      const r = await api("POST", base + "/exercises/coding", { open: !codingOpen }, token);
      if (!r.ok) { status(messages(r.data), true); return; }
      refresh();
    });
    function render(d) {
      codingOpen = d.exercises.coding === "open";
      $("#toggle-coding").textContent = codingOpen ? "Close coding" : d.exercises.coding ? "Reopen coding" : "Open coding";
      $("#class-runs").textContent = running(d.exercises, d.units.length);
      $("#reveal").disabled = d.revealed;
      if (d.revealed) $("#reveal").textContent = "Results revealed";
      const done = d.submitted_per_exercise;
      const used = EXERCISES.filter((ex) => ex in d.exercises || done[ex]);
      $("#counts").textContent = "(" + d.students.length + " joined" + (used.length ? "; submitted: " : "") +
        used.map((ex) => RUN_NAMES[ex].replace("the negotiation ", "") + " " + done[ex] + (d.exercises[ex] === "open" ? "" : " (closed)")).join(", ") + ")";
      $("#counts").dataset.counts = JSON.stringify(done);
      $("#nobody").hidden = d.students.length > 0;
      const note = $("#consensus-note");
      if (note) note.textContent = d.submitted < 2 ? "(needs two codings; " + d.submitted + " so far)" : "";
      $("#roster-head").replaceChildren(...["#", "Name", ...used.map((ex) => EXERCISE_NAMES[ex])].map((h) => {
        const th = el("th", h);
        th.scope = "col";
        return th;
      }));
      $("#roster").replaceChildren(...d.students.map((s, n) => {
        const tr = row([String(n + 1), s.name, ...used.map((ex) => {
          const rev = s.submitted[ex];
          const td = el("td", rev ? "submitted" + (rev > 1 ? " (version " + rev + ")" : "") : "not yet");
          td.dataset.exercise = ex;
          td.dataset.submitted = rev ? "true" : "false";
          return td;
        })]);
        tr.dataset.submitted = s.submitted.coding ? "true" : "false";
        return tr;
      }));
      document.dispatchEvent(new CustomEvent("zopa:dashboard", { detail: d }));
      const a = d.agreement && d.agreement.coders ? d.agreement : null;
      $("#agreement").hidden = !a;
      if (!a) return;
      $("#alpha").replaceChildren(...alphaTable(a).querySelector("tbody").children);
      $("#spread").replaceChildren(...a.spread.map((u) => {
        const ideals = u.ideals.map((kv) => kv[0] + " ×" + kv[1]).join(", ") || "–";
        const cell = el("td", ideals, heatClass(u.distinct, u.coded));
        const sal = u.salience ? fmt(u.salience[0], 2) + "–" + fmt(u.salience[1], 2) : "–";
        return row([u.party, u.issue, String(u.coded), cell, u.red_lines + " of " + u.coded, sal]);
      }));
      $("#versus").replaceChildren(...a.versus.map((v) => row([v.name, pct(v.ideal), pct(v.acceptable), pct(v.salience), pct(v.red_line)])));
      const box = $("#disputed");
      if (!a.disputed.length) { box.replaceChildren(el("p", "No disagreement: every student coded every unit alike.")); return; }
      box.replaceChildren(...a.disputed.map((u) => {
        const fig = el("figure", null, "dispute");
        fig.appendChild(el("figcaption", u.party + " × " + u.issue + " — disagreement " + fmt(u.disagreement, 2) + " (" + u.variables + ")"));
        const t = el("table", null, "side");
        const head = el("thead");
        head.appendChild(row(["Student", "Ideal", "Acceptable", "Why", "Sources"].map((h) => el("th", h))));
        t.appendChild(head);
        const body = el("tbody");
        u.codings.forEach((c) => body.appendChild(row([c.name, c.ideal, c.acceptable, c.justification || "–", c.sources.join(", ") || "–"])));
        t.appendChild(body);
        fig.appendChild(t);
        return fig;
      }));
    }
    async function refresh() {
      const r = await api("GET", base + "/dashboard", undefined, token);
      if (r.ok) render(r.data); else status(messages(r.data), true);
    }
    shared.refresh = refresh;
    (function loop() { refresh().finally(() => setTimeout(loop, 2000)); })();
  }

  if ($("#class-form")) newClass();
  if ($("#join-form")) join();
  if ($("#student")) student();
  if ($("#teacher")) teacher();
})();
