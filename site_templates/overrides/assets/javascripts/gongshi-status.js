/* gongshi: the live status of notices (issue 17). The page is built with each notice's
   status on the data date (公示中（第 3 天，共 10 天，3月16日截止）…) and reads right
   without this script; here the same words are recomputed from the reader's clock, from
   the period the generator put into the badge (data-gs-start, data-gs-end, ISO dates), so
   a page built last week still tells the truth. Same wording as generator/model/notice_status.py.
   No outside host, no storage; re-runs on every page Material shows (document$). */
(function () {
  "use strict";
  var DAY = 86400000;

  function utc(iso) {
    var p = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return p ? Date.UTC(+p[1], +p[2] - 1, +p[3]) : null;
  }

  function md(ms) {
    var d = new Date(ms);
    return (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日";
  }

  function today() {
    var now = new Date();  // the reader's own calendar day
    return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  }

  function state(start, end, now) {
    if (now < start) return ["pending", "未开始（" + md(start) + "起公示）"];
    if (now > end) return ["ended", "已期满（" + md(end) + "截止）"];
    var day = Math.round((now - start) / DAY) + 1;
    var total = Math.round((end - start) / DAY) + 1;
    return ["open", "公示中（第 " + day + " 天，共 " + total + " 天，" + md(end) + "截止）"];
  }

  function update() {
    var now = today();
    var badges = document.querySelectorAll(".gs-status[data-gs-start][data-gs-end]");
    for (var i = 0; i < badges.length; i++) {
      var b = badges[i];
      var start = utc(b.getAttribute("data-gs-start"));
      var end = utc(b.getAttribute("data-gs-end"));
      if (start === null || end === null) continue;
      var s = state(start, end, now);
      if (b.textContent !== s[1]) b.textContent = s[1];
      b.className = "gs-status gs-status--" + s[0];
    }
    /* 正在公示 on the home page: say so when, by the reader's clock, none is open any more */
    var lists = document.querySelectorAll("[data-gs-open-list]");
    for (var j = 0; j < lists.length; j++) {
      var open = lists[j].querySelectorAll(".gs-status--open").length;
      var note = lists[j].querySelector(".gs-open-none");
      if (note) note.hidden = open > 0;
    }
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(function () { update(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
})();
