// One letter in a list beside a drawing: its case number (a link to its page when one was
// written beside this one) and what is said of it. Set as text, never as markup.
"use strict";
function imrCaseEntry(caseNumber, overturned, page, said) {
  const entry = document.createElement("li");
  entry.className = overturned ? "overturned" : "upheld";
  const name = document.createElement(page ? "a" : "span");
  name.className = "case";
  name.textContent = caseNumber;
  if (page) name.href = page;
  const note = document.createElement("span");
  note.className = "outcome";
  note.textContent = said;
  entry.append(name, " ", note);
  return entry;
}
