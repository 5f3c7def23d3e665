// zopa explorer: the page's only script (served from the package; no framework, no build step).
// It keeps the list of changes, puts it in the URL, asks the server for the results
// (HTML rendered by zopa) and swaps them in. Every number is computed on the server.
"use strict";
(function () {
  const $ = (sel, root = document) => root.querySelector(sel);
  const state = JSON.parse($("#zopa-state").textContent);
  const issues = JSON.parse($("#zopa-issues").textContent);
  const undo = [];
  const redo = [];
  let seq = 0;

  // --- the state in the URL: base64url of the changes' JSON -------------------------
  function encode(changes) {
    if (!changes.length) return "";
    const bytes = new TextEncoder().encode(JSON.stringify(changes));
    let bin = "";
    bytes.forEach((b) => { bin += String.fromCharCode(b); });
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function query() {
    const q = new URLSearchParams();
    if (state.at) q.set("at", state.at);
    if (state.parties && state.parties.length) q.set("parties", state.parties.join(","));
    const s = encode(state.changes);
    if (s) q.set("s", s);
    return q.toString();
  }
  function body() {
    return JSON.stringify({ at: state.at, parties: state.parties, changes: state.changes });
  }
  function setLinks() {
    const q = query();
    const base = "/explore/" + encodeURIComponent(state.case);
    const url = base + (q ? "?" + q : "");
    history.replaceState(null, "", url);
    $("#permalink").href = url;
    $("#scenario-link").href = base + "/scenario.yaml" + (q ? "?" + q : "");
    $("#report-link").href = base + "/report.html" + (q ? "?" + q : "");
    $("#undo").disabled = !undo.length;
    $("#redo").disabled = !redo.length;
    $("#reset").disabled = !state.changes.length;
  }

  // --- talking to the server ---------------------------------------------------------
  function status(text, isError) {
    const el = $("#status");
    el.textContent = text;
    el.classList.toggle("error", Boolean(isError));
  }
  function messages(payload) {
    try {
      return JSON.parse(payload).errors.map((e) => (e.field ? e.field + ": " : "") + e.message).join("; ");
    } catch (err) {
      return payload.slice(0, 300);
    }
  }
  async function post(path, text) {
    const res = await fetch("/explore/" + encodeURIComponent(state.case) + path, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: text,
    });
    const payload = await res.text();
    if (!res.ok) throw new Error(messages(payload));
    return payload;
  }
  async function refresh() {
    const mine = ++seq;
    setLinks();
    status("Computing…");
    const settlement = $("#settlement");
    settlement.setAttribute("aria-busy", "true");
    try {
      const text = body();
      const html = await post("/view", text);
      if (mine !== seq) return;
      $("#live").innerHTML = html;
      status(state.changes.length ? state.changes.length + " change" + (state.changes.length === 1 ? "" : "s") + " applied." : "The case as coded.");
      const packages = await post("/settlement", text);
      if (mine !== seq) return;
      settlement.innerHTML = packages;
      settlement.setAttribute("aria-busy", "false");
    } catch (err) {
      if (mine !== seq) return;
      status("Not applied: " + err.message, true);
      if (undo.length) { state.changes = undo.pop(); setLinks(); }
    }
  }
  function change(next) {
    undo.push(state.changes);
    redo.length = 0;
    state.changes = next;
    refresh();
  }

  // --- the editor dialog -------------------------------------------------------------
  const dialog = $("#editor");
  let editing = null;
  function field(label, input) {
    const wrap = document.createElement("label");
    wrap.className = "field";
    wrap.append(label, input);
    return wrap;
  }
  function input(type, name, value, extra) {
    const el = document.createElement("input");
    el.type = type; el.name = name;
    if (type === "checkbox") el.checked = Boolean(value); else el.value = value === null || value === undefined ? "" : value;
    Object.assign(el, extra || {});
    return el;
  }
  function buildFields(issue, edit) {
    const box = $("#editor-fields");
    box.textContent = "";
    if (issue.scale === "interval") {
      const span = edit.span || [issue.min, issue.max];
      const num = { step: "any", min: issue.min, max: issue.max, required: true };
      box.append(field("Ideal (" + issue.unit + ")", input("number", "ideal", edit.stated ? edit.ideal : "", num)));
      box.append(field("Accepts from", input("number", "lo", span[0], num)));
      box.append(field("Accepts up to", input("number", "hi", span[1], num)));
    } else {
      const select = document.createElement("select");
      select.name = "ideal"; select.required = true;
      issue.options.forEach((o) => {
        const opt = new Option(o.label, o.id, false, edit.ideal === o.id);
        select.append(opt);
      });
      box.append(field("Ideal", select));
      const fs = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = "Accepts (the ideal is always accepted)";
      fs.append(legend);
      issue.options.forEach((o) => {
        const cb = input("checkbox", "acceptable", (edit.acceptable || []).includes(o.id), { value: o.id });
        fs.append(field(o.label, cb));
      });
      box.append(fs);
    }
    box.append(field("Salience (0–1)", input("number", "salience", edit.stated ? edit.salience : 0.5, { step: "0.1", min: 0, max: 1, required: true })));
    box.append(field("Red line (will not move)", input("checkbox", "red_line", edit.red_line)));
  }
  function openEditor(button) {
    const issue = issues[button.dataset.issue];
    const edit = JSON.parse(button.dataset.edit);
    editing = { party: button.dataset.party, issue: issue, edit: edit, button: button };
    $("#editor-title").textContent = "Change a position";
    $("#editor-where").textContent = button.getAttribute("aria-label").replace(/\. Change$/, "");
    $("#editor-error").textContent = "";
    $("#editor-withdraw").hidden = !edit.stated;
    buildFields(issue, edit);
    dialog.showModal();
  }
  function readChange(form) {
    return window.zopaReadChange(form, editing.party, editing.issue);
  }
  dialog.addEventListener("close", () => {
    const form = $("#editor-form");
    if (!editing) return;
    const target = editing.button;
    if (dialog.returnValue === "apply") {
      change(state.changes.concat([readChange(form)]));
    } else if (dialog.returnValue === "withdraw") {
      change(state.changes.concat([{ party: editing.party, issue: editing.issue.id, withdraw: true }]));
    }
    editing = null;
    if (target && target.isConnected) target.focus();
  });

  // --- controls ------------------------------------------------------------------------
  document.addEventListener("click", (ev) => {
    const cell = ev.target.closest("button.cell");
    if (cell) openEditor(cell);
  });
  $("#undo").addEventListener("click", () => {
    if (!undo.length) return;
    redo.push(state.changes);
    state.changes = undo.pop();
    refresh();
  });
  $("#redo").addEventListener("click", () => {
    if (!redo.length) return;
    undo.push(state.changes);
    state.changes = redo.pop();
    refresh();
  });
  $("#reset").addEventListener("click", () => { if (state.changes.length) change([]); });
  $("#at-select").addEventListener("change", (ev) => { state.at = ev.target.value; refresh(); });
  $("#case-select").addEventListener("change", (ev) => {
    window.location.href = "/explore/" + encodeURIComponent(ev.target.value);
  });
  const scenarioSelect = $("#scenario-select");
  if (scenarioSelect) {
    scenarioSelect.addEventListener("change", async (ev) => {
      const id = ev.target.value;
      if (!id) return;
      ev.target.value = "";
      try {
        const res = await fetch("/api/cases/" + encodeURIComponent(state.case) + "/scenarios/" + encodeURIComponent(id));
        const payload = await res.text();
        if (!res.ok) throw new Error(messages(payload));
        const sc = JSON.parse(payload);
        if (sc.at) { state.at = sc.at; $("#at-select").value = sc.at; }
        change(state.changes.concat(sc.changes));
      } catch (err) {
        status("Scenario not applied: " + err.message, true);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", () => {});
  setLinks();
  refresh();
})();
