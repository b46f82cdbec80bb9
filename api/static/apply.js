// The application form checks the BIN, the OKED code and the term's end as the participant
// types (the server answers with the zone's own rules); the form works without it, and the
// server checks everything again when it is sent.
(function () {
  "use strict";
  var form = document.querySelector("form.apply");
  if (!form || !window.fetch) { return; }
  var watched = ["bin", "oked_code", "requested_start", "requested_end"];
  var timer = null;

  function show(name, result) {
    var input = form.elements[name];
    if (!input) { return; }
    var id = name + "-live";
    var note = document.getElementById(id);
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", note);
      input.setAttribute("aria-describedby", id);
    }
    note.className = result.ok ? "hint" : "error";
    note.textContent = result.message;
    note.hidden = !result.message;
    input.setAttribute("aria-invalid", result.ok ? "false" : "true");
  }

  function check() {
    var params = new URLSearchParams();
    watched.forEach(function (name) { params.set(name, form.elements[name].value); });
    fetch("/apply/check?" + params.toString(), { credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : {}; })
      .then(function (results) {
        Object.keys(results).forEach(function (name) { show(name, results[name]); });
      })
      .catch(function () { /* the server checks again on sending */ });
  }

  watched.forEach(function (name) {
    form.elements[name].addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 300);
    });
  });
})();
