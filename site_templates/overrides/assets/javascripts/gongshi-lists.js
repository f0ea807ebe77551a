/*
 * gongshi-lists.js: filter and sort a list in place (项目、资金、公示 …), with the count and
 * sum of what is shown. Reading needs none of it: without JavaScript the pre-built pages
 * (projects/by/乡镇/年) filter, and every row stays visible. Local file, no outside host.
 *
 * A list is <div class="gs-list" data-gs-list="个项目"> holding <table class="gs-list__table">;
 * a column header with data-gs-filter="KEY" gets a select over the rows' data-KEY values
 * (when they differ), one with data-gs-sort="KEY" two entries of the 排序 select
 * (numbers: the rows' data-KEY);
 * a row's data-amount is its money in 分 (integers with thousands separators: exact sums).
 */
(function () {
  "use strict";

  function yuan(fen) {
    var neg = fen < 0;
    var a = Math.abs(fen);
    var whole = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var cents = String(a % 100);
    return (neg ? "-" : "") + whole + "." + (cents.length < 2 ? "0" + cents : cents);
  }

  function text(el) {
    return (el.textContent || "").replace(/\s+/g, " ").trim();
  }

  function setup(box) {
    var table = box.querySelector("table.gs-list__table");
    if (!table || box.getAttribute("data-gs-ready")) return;
    box.setAttribute("data-gs-ready", "1");
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    if (rows.length < 2) return;
    var unit = box.getAttribute("data-gs-list") || "条";
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    var hasMoney = rows.some(function (r) { return r.hasAttribute("data-amount"); });

    var form = document.createElement("form");
    form.className = "gs-list__form";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "筛选本页列表");
    form.onsubmit = function (e) { e.preventDefault(); };
    var selects = [];

    Array.prototype.forEach.call(heads, function (th) {
      var key = th.getAttribute("data-gs-filter");
      if (!key) return;
      var seen = {};
      var values = [];
      rows.forEach(function (r) {
        var v = r.getAttribute("data-" + key) || "";
        if (!(v in seen)) { seen[v] = 1; values.push(v); }
      });
      if (values.length < 2) return;
      values.sort(function (a, b) {
        if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Number(b) - Number(a);
        return a.localeCompare(b, "zh-CN");
      });
      var label = document.createElement("label");
      label.appendChild(document.createTextNode(text(th)));
      var sel = document.createElement("select");
      sel.setAttribute("data-key", key);
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "全部";
      sel.appendChild(all);
      values.forEach(function (v) {
        var o = document.createElement("option");
        o.value = v;
        o.textContent = v || "（未填）";
        sel.appendChild(o);
      });
      sel.onchange = apply;
      label.appendChild(sel);
      form.appendChild(label);
      selects.push(sel);
    });

    var shown = document.createElement("p");
    shown.className = "gs-list__shown";
    shown.setAttribute("aria-live", "polite");

    if (selects.length) {
      var reset = document.createElement("button");
      reset.type = "button";
      reset.textContent = "全部显示";
      reset.onclick = function () {
        selects.forEach(function (s) { s.selectedIndex = 0; });
        apply();
      };
      form.appendChild(reset);
    }
    form.appendChild(shown);

    // sorting: one select (works on a phone, where the column headers are hidden)
    var sorts = [];
    Array.prototype.forEach.call(heads, function (th) {
      var key = th.getAttribute("data-gs-sort");
      if (key) sorts.push([key, text(th)]);
    });
    if (sorts.length) {
      var slabel = document.createElement("label");
      slabel.appendChild(document.createTextNode("排序"));
      var ssel = document.createElement("select");
      var first = document.createElement("option");
      first.value = "";
      first.textContent = "默认";
      ssel.appendChild(first);
      sorts.forEach(function (s) {
        [["desc", "从高到低"], ["asc", "从低到高"]].forEach(function (d) {
          var o = document.createElement("option");
          o.value = s[0] + ":" + d[0];
          o.textContent = s[1].replace(/（.*）/, "") + d[1];
          ssel.appendChild(o);
        });
      });
      ssel.onchange = function () {
        var parts = ssel.value.split(":");
        var attr = "data-" + parts[0];
        var order = rows.slice();
        if (ssel.value) {
          order.sort(function (a, b) {
            var x = Number((a.getAttribute(attr) || "0").replace(/,/g, ""));
            var y = Number((b.getAttribute(attr) || "0").replace(/,/g, ""));
            return parts[1] === "desc" ? y - x : x - y;
          });
        }
        order.forEach(function (r) { tbody.appendChild(r); });
      };
      slabel.appendChild(ssel);
      form.insertBefore(slabel, form.querySelector("button") || shown);
    }

    function apply() {
      var n = 0;
      var sum = 0;
      var filtered = false;
      rows.forEach(function (r) {
        var ok = selects.every(function (s) {
          if (s.selectedIndex === 0) return true;
          return (r.getAttribute("data-" + s.getAttribute("data-key")) || "") === s.value;
        });
        r.hidden = !ok;
        if (ok) {
          n += 1;
          sum += Number((r.getAttribute("data-amount") || "0").replace(/,/g, ""));
        }
      });
      selects.forEach(function (s) { if (s.selectedIndex !== 0) filtered = true; });
      // the page's own count and sum (with their recipes) stand above the list; this line
      // says what the filter leaves
      shown.textContent = filtered
        ? "筛选后显示 " + n + " " + unit + (hasMoney ? "，合计 " + yuan(sum) + " 元" : "") + "。"
        : "";
    }

    if (selects.length || sorts.length) {
      // folded on a phone (the list comes first), open on a wider screen
      var tools = document.createElement("details");
      tools.className = "gs-list__tools";
      var summary = document.createElement("summary");
      summary.textContent = selects.length ? "筛选和排序" : "排序";
      tools.appendChild(summary);
      tools.appendChild(form);
      if (window.matchMedia && window.matchMedia("(min-width: 37.5em)").matches) tools.open = true;
      box.insertBefore(tools, table);
      apply();
    }
  }

  function init() {
    var boxes = document.querySelectorAll(".gs-list");
    for (var i = 0; i < boxes.length; i++) setup(boxes[i]);
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(function () { setTimeout(init, 0); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
