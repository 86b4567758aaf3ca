// Live preview and privacy check for the story form. Optional: without JavaScript the
// "Voorbeeld" button does the same on the server. Talks only to this server.
(function () {
  "use strict";
  var form = document.querySelector("form.story");
  if (!form) { return; }
  var body = form.querySelector("#veld-body");
  var preview = document.getElementById("voorbeeld");
  var privacy = document.getElementById("privacy");
  var suggestions = document.getElementById("suggesties");
  var token = document.querySelector('meta[name="csrf-token"]');
  var timer = null;
  var sent = 0;
  var changed = false;
  var LABELS = { title: "Titel", summary: "Samenvatting" };
  for (var n = 0; n < 10; n++) { LABELS["signal_" + n] = "Signaal " + (n + 1); }

  function findingsHtml(data) {
    var box = document.createElement("div");
    if (data.findings === null) {
      var p = document.createElement("p");
      p.className = "meta";
      p.textContent = data.privacy_message;
      box.appendChild(p);
      return box;
    }
    if (!data.findings.length) {
      var ok = document.createElement("p");
      ok.className = "ok";
      ok.textContent = "Geen persoonsgegevens gevonden.";
      box.appendChild(ok);
      return box;
    }
    var warn = document.createElement("div");
    warn.className = "warn";
    var head = document.createElement("p");
    head.innerHTML = "<strong>Mogelijke persoonsgegevens</strong> — haal ze weg of maak ze algemeen voor je instuurt:";
    warn.appendChild(head);
    var list = document.createElement("ul");
    data.findings.forEach(function (f) {
      var li = document.createElement("li");
      var where = f.field === "body" ? "Regel " + f.line + ": " : (LABELS[f.field] || f.field) + ": ";
      li.textContent = where + f.advice;
      list.appendChild(li);
    });
    warn.appendChild(list);
    box.appendChild(warn);
    return box;
  }

  // The analysis's reading, offered as a question; a button ticks the label for the author,
  // who can untick it again: what the author confirms is what the story declares.
  function suggestionsHtml(data) {
    var box = document.createElement("div");
    if (!data) { return box; }
    box.className = "suggest";
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = "Suggestie van de analyse: ";
    p.appendChild(strong);
    p.appendChild(document.createTextNode(data.sentence));
    box.appendChild(p);
    var buttons = document.createElement("p");
    [["themes", data.themes], ["values", data.values]].forEach(function (pair) {
      pair[1].forEach(function (s) {
        var choice = form.querySelector("#" + pair[0] + "-" + s.key);
        if (!choice || choice.checked) { return; }
        var button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        button.textContent = "Kies " + s.label.toLowerCase();
        button.addEventListener("click", function () {
          choice.checked = true;
          button.disabled = true;
          button.textContent = s.label + " gekozen";
          changed = true;
        });
        buttons.appendChild(button);
        buttons.appendChild(document.createTextNode(" "));
      });
    });
    if (buttons.childNodes.length) { box.appendChild(buttons); }
    return box;
  }

  function refresh() {
    var number = ++sent;
    var data = new FormData();
    ["title", "summary", "body"].forEach(function (name) {
      var input = form.elements[name];
      data.append(name, input ? input.value : "");
    });
    form.querySelectorAll('input[name="themes"]:checked, input[name="values"]:checked')
      .forEach(function (box) { data.append(box.name, box.value); });
    form.querySelectorAll('[name="signal_kind"], [name="signal_domain"], [name="signal_text"]')
      .forEach(function (input) { data.append(input.name, input.value); });
    fetch("/voorbeeld", {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRF-Token": token ? token.content : "", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (result) {
      if (number !== sent) { return; }
      if (!result.ok) {
        privacy.textContent = result.json.fout || "Het voorbeeld is nu niet beschikbaar.";
        return;
      }
      preview.innerHTML = result.json.html;  // sanitised on the server (nh3), like the site
      privacy.replaceChildren(findingsHtml(result.json));
      if (suggestions) { suggestions.replaceChildren(suggestionsHtml(result.json.suggestions)); }
    }).catch(function () {
      privacy.textContent = "Het voorbeeld is nu niet beschikbaar; je tekst blijft gewoon staan.";
    });
  }

  function later() {
    changed = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 700);
  }

  ["title", "summary", "body"].forEach(function (name) {
    var input = form.elements[name];
    if (input) { input.addEventListener("input", later); }
  });
  form.querySelectorAll('input[name="signal_text"]').forEach(function (input) {
    input.addEventListener("input", later);
  });
  form.addEventListener("submit", function () { changed = false; });
  window.addEventListener("beforeunload", function (event) {
    if (changed) { event.preventDefault(); event.returnValue = ""; }
  });
  if (body && body.value.trim() && !preview.querySelector(":not(.meta)")) { refresh(); }
  var errors = document.getElementById("foutmeldingen");
  if (errors) { errors.focus(); }
}());
