// zopa: one change read from the position editor's form, shared by the explorer and the class
// concessions exercise (both send it, as is, to the same server-side parser).
"use strict";
window.zopaReadChange = function (form, party, issue) {
  const data = new FormData(form);
  const ch = { party: party, issue: issue.id };
  if (issue.scale === "interval") {
    ch.ideal = Number(data.get("ideal"));
    ch.acceptable = { min: Number(data.get("lo")), max: Number(data.get("hi")) };
  } else {
    ch.ideal = data.get("ideal");
    const acc = new Set(data.getAll("acceptable"));
    acc.add(ch.ideal);
    ch.acceptable = issue.options.map((o) => o.id).filter((id) => acc.has(id));
  }
  ch.salience = Number(data.get("salience"));
  ch.red_line = data.get("red_line") === "on";
  return ch;
};
