// zopa class mode: the concessions and debrief exercises, on the student's and the teacher's pages.
// Built on classroom.js's helpers (window.zopaClass). Every string from the server is put in
// the page with textContent (never as HTML); the plot is an <img> of an SVG the server draws.
"use strict";
(function () {
  const Z = window.zopaClass;
  if (!Z) return;
  const { $, $$, api, el, row, fmt, messages, storeKey } = Z;
  const EXERCISES = ["coding", "concessions", "debrief"];

  function say(id, text, isError) {
    const box = $("#" + id);
    if (!box) return;
    box.textContent = text;
    box.classList.toggle("error", Boolean(isError));
  }
  function th(text, scope) {
    const h = el("th", text);
    h.scope = scope || "col";
    return h;
  }
  function table(cls, caption, heads, rows) {
    const t = el("table", null, cls);
    if (caption) t.appendChild(el("caption", caption));
    const head = el("thead");
    head.appendChild(row(heads.map((h) => th(h))));
    t.appendChild(head);
    const body = el("tbody");
    rows.forEach((r) => body.appendChild(r));
    t.appendChild(body);
    const wrap = el("div", null, "scroll");
    wrap.appendChild(t);
    return wrap;
  }
  function list(items, empty) {
    if (!items.length) return el("td", empty || "–");
    const td = el("td");
    const ul = el("ul", null, "plain");
    items.forEach((text) => ul.appendChild(el("li", text)));
    td.appendChild(ul);
    return td;
  }
  const removedText = (x) => (x >= 0 ? fmt(x) : "−" + fmt(-x) + " (adds conflict)");
  function who(entry) {
    const td = el("td");
    td.appendChild(el("strong", entry.name));
    if (entry.members.length > 1 || entry.members[0] !== entry.name) {
      const note = "entered by " + entry.members.join(", ") + (entry.differ ? "; their entries differ: " + entry.by + "'s, the latest, counts" : "");
      td.appendChild(el("span", note, "note block"));
    }
    return td;
  }

  function changesCell(what) {
    if (!what.length) return el("td", "no position changes");
    const td = el("td");
    const ul = el("ul", null, "plain");
    what.forEach((w) => {
      const li = el("li");
      li.appendChild(el("span", w.where + ":", "where"));
      const parts = el("ul", null, "parts");
      w.parts.forEach((part) => parts.appendChild(el("li", part)));
      li.appendChild(parts);
      ul.appendChild(li);
    });
    td.appendChild(ul);
    return td;
  }

  // --- results: the ranked concessions, the scored packages ---------------------------
  function concessionsView(data) {
    const box = el("div");
    box.appendChild(el("p", "Total conflict among the " + data.parties.length + " parties on " + data.at + ": " +
      fmt(data.total_conflict) + ". Each proposal is measured from there, with the explorer's numbers; " +
      "“removed” is before − after (negative: the proposal adds conflict).", "note"));
    if (!data.proposals.length) { box.appendChild(el("p", "No proposal yet.", "muted")); return box; }
    const rows = data.proposals.map((p) => {
      const rank = el("td", String(p.rank) + (p.tied_with.length ? " (tie with " + p.tied_with.join(", ") + ")" : ""));
      const tr = row([rank, who(p), changesCell(p.what), p.rationale,
        el("td", fmt(p.total_conflict_after), "num"), el("td", removedText(p.removed), "num"),
        list(p.red_lines_crossed.map((r) => r.text), "none"),
        list(p.zones_opened.map((z) => z.name + ": " + z.zone).concat(p.zones_closed.map((z) => z.name + ": closed")), "none")]);
      tr.dataset.name = p.name;
      tr.dataset.removed = String(p.removed);
      tr.dataset.rank = String(p.rank);
      return tr;
    });
    box.appendChild(table("ranked", "Proposals, best first: the total conflict each removes",
      ["Rank", "Proposal by", "What it changes", "Why", "Total conflict after", "Removed", "Red lines crossed", "Agreement zones opened"], rows));
    return box;
  }
  function pointsCell(pkg, party) {
    const u = pkg.utilities[party.id];
    const td = el("td", fmt(u), "num");
    if (pkg.above_reservation[party.id] === false) {
      td.appendChild(el("span", "below walk-away " + fmt(party.reservation, 2), "note block bad"));
    }
    return td;
  }
  function packageText(issues, labels) {
    return issues.map((i) => i.short + ": " + labels[i.id]);
  }
  function packagesView(data, box) {
    const plot = box.querySelector("img.frontier-plot") || el("img", null, "frontier-plot");
    if (data.svg) {
      if (plot.dataset.svg !== data.svg) {
        plot.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(data.svg);
        plot.dataset.svg = data.svg;
      }
      plot.alt = data.svg_alt;
    }
    const notes = el("div", null, "debrief-notes");
    if (data.svg) notes.appendChild(el("p", "The plot: each role's points across and up; the line joins the efficient packages (the Pareto frontier), the star is the Nash package.", "note"));
    else if (data.parties.length > 2) {
      notes.appendChild(el("p", "With " + data.parties.length + " roles the frontier is a surface, not a curve: a plot of two roles " +
        "would show efficient packages as if they were dominated. The table gives every role's points and the distance to the frontier.", "note"));
    }
    if (data.reason) notes.appendChild(el("p", "No frontier: " + data.reason, "warn"));
    if (data.nash && data.nash.found) {
      const u = data.parties.map((p) => p.name + " " + fmt(data.nash.utilities[p.id])).join(", ");
      notes.appendChild(el("p", "Nash package (★): " + packageText(data.issues, data.nash.labels).join(" · ") + " — " + u + "."));
    }
    notes.appendChild(el("p", "Points for each role run from 0 to 1. “Left on the table” is the shortfall to the nearest " +
      "frontier point (0: on the frontier); “from the Nash package” is the distance between the two points.", "note"));
    const top = el("div", null, "debrief-top");
    if (data.svg) top.appendChild(plot);
    top.appendChild(notes);
    const parts = [top];
    if (!data.packages.length) parts.push(el("p", "No package entered yet.", "muted"));
    else {
      const rows = data.packages.map((p) => {
        const tr = row([el("th", String(p.number)), who(p), list(packageText(data.issues, p.labels)),
          ...data.parties.map((party) => pointsCell(p, party)),
          p.on_frontier === null ? "–" : p.on_frontier ? "yes" : "no",
          el("td", p.distance === null ? "–" : fmt(p.distance), "num"),
          el("td", p.nash_distance === null ? "–" : fmt(p.nash_distance), "num")]);
        tr.firstChild.scope = "row";
        tr.dataset.name = p.name;
        tr.dataset.onFrontier = String(p.on_frontier);
        return tr;
      });
      parts.push(table("packages", "Each group's package, scored for each role",
        ["#", "Group", "Package", ...data.parties.map((p) => "Points for " + p.name), "On the frontier", "Left on the table", "From the Nash package"], rows));
    }
    box.replaceChildren(...parts);
  }

  // --- a student's concessions --------------------------------------------------------
  function field(label, input) {
    const wrap = el("label");
    wrap.append(label, input);
    return wrap;
  }
  function input(type, name, value, extra) {
    const i = document.createElement("input");
    i.type = type; i.name = name;
    if (type === "checkbox") i.checked = Boolean(value); else i.value = value === null || value === undefined ? "" : value;
    Object.assign(i, extra || {});
    return i;
  }
  function editorFields(issue, edit) {
    const out = [];
    if (issue.scale === "interval") {
      const span = edit.span || [issue.min, issue.max];
      const num = { step: "any", min: issue.min, max: issue.max, required: true };
      out.push(field("Ideal (" + (issue.unit || "value") + ")", input("number", "ideal", edit.stated ? edit.ideal : "", num)));
      const r = el("div", null, "row");
      r.append(field("Accepts from", input("number", "lo", span[0], num)), field("up to", input("number", "hi", span[1], num)));
      out.push(r);
    } else {
      const select = document.createElement("select");
      select.name = "ideal"; select.required = true;
      issue.options.forEach((o) => select.append(new Option(o.label, o.id, false, edit.ideal === o.id)));
      out.push(field("Ideal", select));
      const fs = el("fieldset", null, "acceptable");
      fs.appendChild(el("legend", "Accepts (the ideal always is)"));
      issue.options.forEach((o) => {
        const l = field(" " + o.label, input("checkbox", "acceptable", (edit.acceptable || []).includes(o.id), { value: o.id }));
        l.className = "check";
        l.prepend(l.lastChild);
        fs.appendChild(l);
      });
      out.push(fs);
    }
    const r = el("div", null, "row");
    r.append(field("Salience (0–1)", input("number", "salience", edit.stated ? edit.salience : 0.5, { step: "0.05", min: 0, max: 1, required: true })));
    const red = field(" Red line (will not move)", input("checkbox", "red_line", edit.red_line));
    red.className = "check";
    red.prepend(red.lastChild);
    r.append(red);
    out.push(r);
    return out;
  }
  function describe(ch, cells, names) {
    const c = cells[ch.party + "|" + ch.issue];
    const where = (names[ch.party] || ch.party) + " on " + (c ? c.issue.name : ch.issue);
    if (ch.withdraw) return where + ": withdraws its position";
    if (!c) return where;
    const label = (id) => (c.issue.options.find((o) => o.id === id) || { label: id }).label;
    const unit = c.issue.unit ? " " + c.issue.unit : "";
    const acc = c.issue.scale === "interval" ? ch.acceptable.min + "–" + ch.acceptable.max + unit : ch.acceptable.map(label).join(", ");
    const ideal = c.issue.scale === "interval" ? ch.ideal + unit : label(ch.ideal);
    return where + ": ideal " + ideal + "; accepts " + acc + "; salience " + ch.salience + (ch.red_line ? "; red line" : "");
  }
  function effectView(e) {
    const box = el("div", null, "effect");
    const verb = e.removed >= 0 ? "removes " + fmt(e.removed) : "adds " + fmt(-e.removed);
    box.appendChild(el("p", "Your proposal, as saved: total conflict " + fmt(e.total_conflict_before) + " → " + fmt(e.total_conflict_after) + " (it " + verb + ")."));
    const ul = el("ul");
    e.what.forEach((w) => ul.appendChild(el("li", w.text)));
    if (e.red_lines_crossed.length) ul.appendChild(el("li", "Crosses red lines: " + e.red_lines_crossed.map((r) => r.text).join(", ")));
    if (e.zones_opened.length) ul.appendChild(el("li", "Opens agreement zones: " + e.zones_opened.map((z) => z.name + " (" + z.zone + ")").join(", ")));
    if (e.zones_closed.length) ul.appendChild(el("li", "Closes agreement zones: " + e.zones_closed.map((z) => z.name).join(", ")));
    box.appendChild(ul);
    return box;
  }
  async function concessions(base, token) {
    const r = await api("GET", base + "/concessions/positions", undefined, token);
    if (!r.ok) { say("concessions-status", messages(r.data), true); return; }
    const names = {};
    r.data.parties.forEach((p) => { names[p.id] = p.short; });
    const cells = {};
    const select = $("#change-position");
    r.data.parties.forEach((p) => {
      const group = document.createElement("optgroup");
      group.label = p.name;
      r.data.map.forEach((line) => {
        const cell = line.cells.find((c) => c.party === p.id);
        cells[p.id + "|" + line.issue.id] = { issue: line.issue, cell: cell };
        group.append(new Option(p.short + " · " + line.issue.name + (cell.stated ? "" : " (no position)"), p.id + "|" + line.issue.id));
      });
      select.append(group);
    });
    let changes = [];
    let current = null;
    const editor = $("#change-editor");
    function show() {
      const ol = $("#proposal-changes");
      ol.replaceChildren(...changes.map((ch, n) => {
        const li = el("li", describe(ch, cells, names) + " ");
        const b = el("button", "Remove");
        b.type = "button";
        b.setAttribute("aria-label", "Remove change " + (n + 1));
        b.addEventListener("click", () => { changes.splice(n, 1); show(); });
        li.appendChild(b);
        return li;
      }));
      $("#no-changes").hidden = changes.length > 0;
    }
    select.addEventListener("change", () => {
      current = cells[select.value] || null;
      $("#add-change").disabled = !current;
      $("#withdraw-change").disabled = !(current && current.cell.stated);
      if (!current) { $("#change-fields").replaceChildren(); $("#position-now").textContent = ""; return; }
      const c = current.cell;
      $("#position-now").textContent = c.stated
        ? "Now: ideal " + c.ideal + "; accepts " + c.acceptable + "; salience " + c.salience + (c.red_line ? "; red line" : "")
        : "Now: no position (a change gives the party one).";
      $("#change-fields").replaceChildren(...editorFields(current.issue, c.edit));
    });
    editor.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (!current) return;
      changes.push(window.zopaReadChange(editor, current.cell.party, current.issue));
      show();
      say("concessions-status", "Change added (not saved yet): submit your proposal when it is complete.");
    });
    $("#withdraw-change").addEventListener("click", () => {
      if (!current) return;
      changes.push({ party: current.cell.party, issue: current.issue.id, withdraw: true });
      show();
    });
    const form = $("#concessions-form");
    const own = await api("GET", base + "/concessions", undefined, token);
    if (own.ok && own.data.revision) {
      changes = own.data.changes;
      form.rationale.value = own.data.rationale;
      form.group.value = own.data.group || "";
      $("#concessions-effect").replaceChildren(effectView(own.data.effect));
      say("concessions-status", "Your proposal is saved (version " + own.data.revision + "). You can change it and submit again.");
    }
    show();
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      say("concessions-status", "Saving…");
      const body = { changes: changes, rationale: form.rationale.value, group: form.group.value || null };
      const res = await api("PUT", base + "/concessions", body, token);
      if (!res.ok) { say("concessions-status", messages(res.data), true); return; }
      say("concessions-status", "Saved: the teacher has your proposal (version " + res.data.revision + ").");
      $("#concessions-effect").replaceChildren(effectView(res.data.effect));
    });
  }

  // --- a group's package ----------------------------------------------------------------
  async function debrief(base, token) {
    const form = $("#package-form");
    const inputs = $$("[data-issue]", form);
    const own = await api("GET", base + "/package", undefined, token);
    if (own.ok && own.data.revision) {
      inputs.forEach((i) => { const v = own.data.package[i.dataset.issue]; if (v !== undefined) i.value = v; });
      form.group.value = own.data.group || "";
      say("package-status", "Your package is saved (version " + own.data.revision + "). You can change it and submit again.");
    }
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const pkg = {};
      inputs.forEach((i) => { if (i.value !== "") pkg[i.dataset.issue] = i.type === "number" ? Number(i.value) : i.value; });
      say("package-status", "Saving…");
      const res = await api("PUT", base + "/package", { package: pkg, group: form.group.value || null }, token);
      if (!res.ok) { say("package-status", messages(res.data), true); return; }
      say("package-status", "Saved: the teacher has your package (version " + res.data.revision + ").");
    });
  }

  // --- the student's page: which exercise is open, and the results once revealed ------------
  function student() {
    const code = $("#student").dataset.code;
    const saved = JSON.parse(sessionStorage.getItem(storeKey(code)) || "null");
    if (!saved) return;
    const base = "/api/classes/" + encodeURIComponent(code);
    const started = {};
    const start = { coding: () => {}, concessions: () => concessions(base, saved.token), debrief: () => debrief(base, saved.token) };
    const views = [
      ["concessions", "/concessions/ranked", "#concessions-ranked", (d, box) => box.replaceChildren(concessionsView(d))],
      ["debrief", "/packages", "#debrief-body", packagesView],
    ];
    async function results(frame) {
      let any = false;
      for (const [ex, path, where, render] of views) {
        if (!(ex in frame.exercises)) continue;
        const r = await api("GET", base + path, undefined, saved.token);
        if (!r.ok) continue;
        render(r.data, $(where));
        $("#" + ex + "-results").hidden = false;
        any = true;
      }
      $("#exercise-results").hidden = !any;
      $("#results-link").hidden = !any;
    }
    async function poll() {
      const r = await api("GET", base);
      if (r.ok) {
        let open = false;
        EXERCISES.forEach((ex) => {
          const isOpen = r.data.exercises[ex] === "open";
          if (isOpen && !started[ex]) { started[ex] = true; start[ex](); }
          const sec = $("#" + ex);
          sec.hidden = !(isOpen || started[ex]);
          sec.querySelector(".closed-note").hidden = isOpen;
          $$("button[id^=submit-]", sec).forEach((b) => { b.disabled = !isOpen; });
          open = open || isOpen;
        });
        $("#none-open").hidden = open;
        if (r.data.revealed) await results(r.data);
      }
      setTimeout(poll, 4000);
    }
    poll();
  }

  // --- the teacher's dashboard -------------------------------------------------------------
  function teacher() {
    const main = $("#teacher");
    const base = "/api/classes/" + encodeURIComponent(main.dataset.code);
    const token = main.dataset.token;
    let exercises = {};
    const label = { concessions: "concessions", debrief: "the debrief" };
    ["concessions", "debrief"].forEach((ex) => {
      $("#toggle-" + ex).addEventListener("click", async () => {
        const r = await api("POST", base + "/exercises/" + ex, { open: exercises[ex] !== "open" }, token);
        if (!r.ok) { say("status", messages(r.data), true); return; }
        say("status", (r.data.exercises[ex] === "open" ? "Opened " : "Closed ") + label[ex] + ".");
        if (Z.refresh) Z.refresh();
      });
    });
    document.addEventListener("zopa:dashboard", (ev) => {
      const d = ev.detail;
      exercises = d.exercises;
      ["concessions", "debrief"].forEach((ex) => {
        const state = d.exercises[ex];
        $("#toggle-" + ex).textContent = (state === "open" ? "Close " : state ? "Reopen " : "Open ") + label[ex];
      });
      const scorable = d.debrief.scorable;
      $("#toggle-debrief").disabled = !scorable;
      $("#debrief-note").hidden = scorable;
      $("#debrief-note").textContent = scorable ? "" : "The debrief needs a scorable case, whose roles have points tables (values), such as harbour-lease: " + d.debrief.scorable_reason + ".";
      $("#concessions-results").hidden = !d.concessions;
      if (d.concessions) $("#concessions-ranked").replaceChildren(concessionsView(d.concessions));
      $("#debrief-results").hidden = !d.debrief.packages;
      if (d.debrief.packages) packagesView(d.debrief, $("#debrief-body"));
    });
  }

  if ($("#student")) student();
  if ($("#teacher")) teacher();
})();
