// The rehearsal's record as a text file: the call from the bot's introduction to the debrief.

// The bot answers in traditional characters to a user who writes them: the lines read here match either script.
export const REHEARSAL_START = /模[拟擬]一次[协協]商[电電][话話]/;
export const SCORE_LINE = /^[总總]分：\d+\/100$/m;

/** Index of the last debrief (a bot message with the 总分 line), or -1. */
export function lastDebrief(messages) {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const m = messages[i];
    if (m.position !== "right" && SCORE_LINE.test(m.content?.text || "")) return i;
  }
  return -1;
}

/** The lines of the last rehearsal, each after who said it (me, the agent, the coach), or null when none has ended. */
export function rehearsalTranscript(messages) {
  const end = lastDebrief(messages);
  if (end < 0) return null;
  let start = end;
  while (start > 0 && !REHEARSAL_START.test(messages[start].content?.text || "")) start -= 1;
  return messages
    .slice(start, end + 1)
    .filter((m) => typeof m.content?.text === "string")
    .map((m) => `${m.position === "right" ? "我" : m.user?.name || "客服（模拟）"}：${m.content.text}`)
    .join("\n\n");
}

/** Offers text as a download, named with today's date. */
export function download(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * One ended call, for the list of earlier calls kept in this browser: read from the debrief's lines
 * (总分, 练习情况, 最需要加强) and the score card's items, or null when the text is no debrief.
 */
export function callSummary(text, date = new Date(), card = null) {
  const score = /^[总總]分：(\d+)\/100$/m.exec(text || "");
  if (!score) return null;
  const call = /^[练練][习習]情[况況]：(.+?) · [难難]度：(.+)$/m.exec(text);
  const weakest = /^最需要加[强強]：(.+)$/m.exec(text);
  return {
    date: date.toISOString().slice(0, 16).replace("T", " "),
    score: Number(score[1]),
    case: call ? call[1] : "",
    difficulty: call ? call[2] : "",
    weakest: weakest ? weakest[1] : "",
    // Each item's points (label → points), from the page's score card: the history shows each item's trend.
    items: card?.items ? Object.fromEntries(card.items.map((i) => [i.label, i.met ? i.weight : 0])) : null,
  };
}
