/* tipweek site search: finds tips in search-index.js, in the browser, with no server.
   Loaded as a classic script (not a module) so that it also works from file://.
   Tip text is only ever set with textContent, never parsed as HTML. */
(function () {
  "use strict";
  var data = (window.TIPWEEK_INDEX && window.TIPWEEK_INDEX.tips) || [];
  var form = document.querySelector("form.search");
  var input = document.getElementById("q");
  var status = document.getElementById("status");
  var list = document.getElementById("results");
  if (!form || !input || !status || !list) { return; }
  var LIMIT = 50;

  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0; });
  }

  var docs = data.map(function (tip) {
    return {
      tip: tip,
      title: fold(tip.t),
      labels: fold((tip.c || []).join(" ") + " " + (tip.g || []).join(" ")),
      text: fold(tip.s + " " + tip.k)
    };
  });

  function score(doc, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i], points = 0;
      if (doc.title.indexOf(term) !== -1) { points += 5; }
      if (doc.labels.indexOf(term) !== -1) { points += 3; }
      if (doc.text.indexOf(term) !== -1) { points += 1; }
      if (points === 0) { return 0; }  /* every word must be found somewhere */
      total += points;
    }
    return total;
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function item(tip) {
    var li = element("li");
    var heading = element("h2");
    var link = element("a", tip.t);
    link.href = tip.u;
    heading.appendChild(link);
    if (tip.x) { heading.appendChild(element("span", "Excerpt", "badge")); }
    li.appendChild(heading);
    var meta = [tip.d || "Undated"].concat(tip.c || []).join(" · ");
    li.appendChild(element("p", meta, "meta"));
    li.appendChild(element("p", tip.s));
    if (tip.k) { li.appendChild(element("p", "Takeaway: " + tip.k, "meta")); }
    return li;
  }

  function show(query) {
    var terms = words(query);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (terms.length === 0) {
      status.textContent = data.length + " tips to search.";
      return;
    }
    var hits = [];
    for (var i = 0; i < docs.length; i++) {
      var points = score(docs[i], terms);
      if (points > 0) { hits.push({ points: points, order: i, tip: docs[i].tip }); }
    }
    hits.sort(function (a, b) { return b.points - a.points || a.order - b.order; });
    var shown = hits.slice(0, LIMIT);
    for (var j = 0; j < shown.length; j++) { list.appendChild(item(shown[j].tip)); }
    if (hits.length === 0) {
      status.textContent = "No tip matches \u201c" + query + "\u201d. Try fewer or shorter words.";
    } else {
      status.textContent = hits.length + (hits.length === 1 ? " tip matches" : " tips match") +
        (hits.length > LIMIT ? "; the best " + LIMIT + " are shown." : ".");
    }
  }

  function remember(query) {
    try {
      var url = new URL(window.location.href);
      if (query) { url.searchParams.set("q", query); } else { url.searchParams.delete("q"); }
      window.history.replaceState(null, "", url.toString());
    } catch (e) { /* some browsers refuse this for file:// pages; search still works */ }
  }

  var timer = null;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { show(input.value); remember(input.value); }, 120);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
    remember(input.value);
  });
  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  show(initial);
})();
