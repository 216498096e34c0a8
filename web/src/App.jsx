// The chat page: ChatUI on Rasa's socketio channel. Bot text is rendered as text (React escapes it;
// line breaks kept by CSS), never as HTML.
import { Suspense, lazy, useCallback, useEffect, useRef, useState } from "react";
import Chat, { Bubble, useMessages } from "@chatui/core";
import { connect, forgetSession, sessionId } from "./rasa.js";
import { callSummary, download, rehearsalTranscript } from "./transcript.js";
import { canListen, listen, speak, stopSpeaking, unavailableReason } from "./speech.js";
import { compileRules, mask } from "./privacy.js";
import DocCard from "./DocCard.jsx";
import Table from "./Table.jsx";
// The calculator's card brings ECharts: loaded only when a result is shown.
const CalcCard = lazy(() => import("./CalcCard.jsx"));

const STORAGE_PREFIX = "wld.";
const HISTORY_KEY = "wld.history";
// Set just before the reload that 清空记录 makes, so the new page can say what was cleared.
const CLEARED_KEY = "wld.cleared";
const MAX_HISTORY = 300;
// Earlier rehearsal calls (date, case, difficulty, score, weakest item): in this browser only.
const CALLS_KEY = "wld.calls";
const MAX_CALLS = 20;
// A message with no answer after this long is marked, with 重试.
const ANSWER_TIMEOUT_MS = 15000;
// The same quick reply tapped again within this long is the same tap.
const DOUBLE_TAP_MS = 1500;
const CONFIG_RETRY_MS = 2000;
const CALC_START = '/ask_interest_calc{"calc_request":"start"}';
// One tap away above the input, whatever the conversation is at.
const TOOLBAR = [
  { name: "算利息", payload: CALC_START },
  { name: "练协商", payload: "/start_rehearsal" },
  { name: "官方渠道", payload: "/ask_contact_channel" },
  { name: "准备单", payload: '/request_prep_pack{"prep_kind":"sheet"}' },
];
// Shown when the latest bot message offers no buttons: the rehearsal entry first.
const DEFAULT_REPLIES = [
  { name: "模拟协商练习", payload: "/start_rehearsal" },
  { name: "帮我算算利息", payload: CALC_START },
  { name: "逾期了怎么办", payload: "/ask_overdue_help" },
  { name: "被催收骚扰", payload: "/report_harassment" },
  { name: "官方客服渠道", payload: "/ask_contact_channel" },
];

function load(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || "[]");
  } catch {
    return [];
  }
}

function toQuickReplies(buttons) {
  return (buttons || []).map((b) => ({ name: b.title, payload: b.payload }));
}

/** Phone numbers in bot text (hotlines, 110…) as tappable links; the rest stays plain text. */
function withPhoneLinks(text) {
  const parts = text.split(/(?<![\d.])(\d{3,5}(?:-\d{7,8})?)(?![\d.%])/);
  return parts.map((part, i) =>
    i % 2 === 1 && /^(110|120|119|122|12\d{3}|9\d{4}|400-?\d{7}|0\d{2,3}-\d{7,8})$/.test(part) ? (
      <a key={i} href={`tel:${part.replace("-", "")}`}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}

// A list in a card shows this many items until 展开全部.
const FOLDED_ITEMS = 3;

/** One concern of an answer to several: its name and direct answer on one line, the reason a tap away. */
function ConcernLine({ item }) {
  const [name, direct, ...why] = item.split("：");
  if (!why.length) return <li>{withPhoneLinks(item)}</li>;
  return (
    <li>
      <details className="concern">
        <summary>
          <strong>{name}</strong>：{withPhoneLinks(direct)}
        </summary>
        <p>{withPhoneLinks(why.join("："))}</p>
      </details>
    </li>
  );
}

/** A structured answer (bot/cards.py): bold title, the direct answer, paragraphs and folded lists,
 * the sources as a small footnote inside the card. An answer to several concerns is titled by the user's
 * situation and shows one line per concern, each opening on a tap. */
function AnswerCard({ card }) {
  const [open, setOpen] = useState(false);
  // Several concerns: every concern's line shows (each is short, and opens on a tap); else a long list folds.
  const folds = (items) => !card.several && items.length > FOLDED_ITEMS;
  return (
    <div className={card.several ? "card several" : "card"} data-testid="card">
      {card.title && <h3 className="card-title">{card.title}</h3>}
      <p className="card-answer">{withPhoneLinks(card.answer)}</p>
      {card.blocks.map((block, i) =>
        block.items ? (
          <div key={i}>
            <ol className="card-items" start={block.start || 1}>
              {(open || !folds(block.items) ? block.items : block.items.slice(0, FOLDED_ITEMS)).map((item, j) =>
                card.several ? <ConcernLine key={j} item={item} /> : <li key={j}>{withPhoneLinks(item)}</li>,
              )}
            </ol>
            {folds(block.items) && (
              <button type="button" className="more" aria-expanded={open} onClick={() => setOpen(!open)}>
                {open ? "收起" : `展开全部（${block.items.length} 条）`}
              </button>
            )}
          </div>
        ) : (
          <p key={i} className="card-text">
            {withPhoneLinks(block.text)}
          </p>
        ),
      )}
      {card.sources.length > 0 && (
        <p className="card-sources" data-testid="sources">
          依据：{card.sources.join("；")}
        </p>
      )}
    </div>
  );
}

// Who speaks: the assistant, or, during a rehearsal, the simulated agent (its own avatar and name).
const avatar = (letter, colour) =>
  `data:image/svg+xml,${encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="20" fill="${colour}"/><text x="20" y="26" font-size="18" text-anchor="middle" fill="#fff" font-family="sans-serif">${letter}</text></svg>`,
  )}`;
const AGENT = { name: "客服（模拟）", avatar: avatar("客", "#8a3ffc"), avatarAlt: "模拟客服头像" };
const ASSISTANT = { name: "模拟助手", avatar: avatar("微", "#0b57d0"), avatarAlt: "模拟助手头像" };
// The practice call's coach: the intro, hints, 重说 and the score card; never the agent's voice.
const COACH = { name: "练习教练", avatar: avatar("练", "#0f7b6c"), avatarAlt: "练习教练头像" };
// In a call, instead of the main menu.
const CALL_REPLIES = [
  { name: "结束练习", payload: "结束练习" },
  { name: "给我提示", payload: "给我提示" },
  { name: "重说", payload: "重说" },
];

function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

/** The debrief as a score card: the total large, each item met (with the user's own line) or missed
 * (with the tip and a model line), what the plan is worth, then the earlier calls. */
function ScoreCard({ score, calls, onAgain, onReplay, onDownload }) {
  return (
    <div className="score" data-testid="score">
      <p className="score-total">
        <span className="score-label">总分：</span>
        <span className="score-number">{score.total}</span>
        <span className="score-of">/100</span>
      </p>
      <p className="score-call">
        {score.case} · {score.difficulty}
      </p>
      {score.slip && <p className="score-slip">{score.slip}</p>}
      <ul className="score-items">
        {score.items.map((item) => (
          <li key={item.label} className={item.met ? "met" : "missed"}>
            <span className="mark" aria-hidden="true">
              {item.met ? "✓" : "✗"}
            </span>
            <span className="sr-only">{item.met ? "做到了：" : "没做到："}</span>
            <strong>
              {item.label}（{item.met ? item.weight : 0}/{item.weight}）
            </strong>
            {item.met && item.quote && <q>{item.quote}</q>}
            {!item.met && (
              <span className="tip">
                {item.tip}
                {item.model && <q>{item.model}</q>}
              </span>
            )}
          </li>
        ))}
      </ul>
      {score.penalty > 0 && <p className="score-penalty">不礼貌的话另扣 {score.penalty} 分。</p>}
      {score.plan.map((line) => (
        <p key={line} className="score-plan">
          {line}
        </p>
      ))}
      {(score.progress || []).map((line) => (
        <p key={line} className="score-progress" data-testid="score-progress">
          {line}
        </p>
      ))}
      {score.next && (
        <p className="score-next" data-testid="score-next">
          {score.next}
        </p>
      )}
      <div className="score-actions">
        <button type="button" onClick={onAgain}>
          再练一次
        </button>
        <button type="button" onClick={onReplay}>
          同一个情况再来
        </button>
        <button type="button" onClick={onDownload} data-testid="download-score">
          下载记录
        </button>
      </div>
      {calls.length > 1 && (
        <details className="score-history">
          <summary>之前的练习（{calls.length - 1}）</summary>
          <ul>
            {calls.slice(1, 6).map((c) => (
              <li key={c.date + c.score}>
                {c.date} · {c.case} · {c.difficulty} · {c.score} 分{c.weakest ? ` · 最需要加强：${c.weakest}` : ""}
              </li>
            ))}
          </ul>
          <ItemTrend score={score} calls={calls} />
        </details>
      )}
    </div>
  );
}

const TREND_CALLS = 5;
/** Each item's points over the last calls that recorded them (oldest first, this call last), with an arrow
 * for the change since the call before. */
function ItemTrend({ score, calls }) {
  const recorded = calls.filter((c) => c.items).slice(0, TREND_CALLS).reverse();
  if (recorded.length < 2) return null;
  const arrow = (before, now) => (now > before ? "↑" : now < before ? "↓" : "→");
  return (
    <Table
      className="score-trend"
      testId="score-trend"
      caption="每一项的变化（从早到晚）"
      columns={["项目", ...recorded.map((c, n) => (n === recorded.length - 1 ? "这次" : `第${n + 1}次`)), "变化"]}
      rows={score.items.map((item) => {
        const points = recorded.map((c) => c.items[item.label] ?? "—");
        const [before, now] = points.slice(-2);
        const change = typeof before === "number" && typeof now === "number" ? arrow(before, now) : "";
        return [item.label, ...points, change];
      })}
    />
  );
}

/** 有用 / 没用 under an answer, with an optional reason; the choice goes to the page server as the answer's id
 * and the choice only (bot/feedback.py), and stays marked on the message. */
function Feedback({ answer, vote, reasons, onVote }) {
  const post = (useful, reason = "") => {
    onVote(useful ? "有用" : reason || "没用");
    fetch("/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ answer, useful, reason }),
    }).catch(() => {}); // a vote lost offline costs the user nothing
  };
  if (vote && vote !== "没用") {
    return (
      <p className="feedback done" role="status" data-testid="feedback-done">
        谢谢反馈{vote === "有用" ? "" : `：${vote}`}
      </p>
    );
  }
  if (vote === "没用") {
    return (
      <div className="feedback" role="group" aria-label="哪里没用？（可不选）" data-testid="feedback-reasons">
        {reasons.map((r) => (
          <button type="button" key={r} onClick={() => post(false, r)}>
            {r}
          </button>
        ))}
        <button type="button" onClick={() => post(false)}>
          跳过
        </button>
      </div>
    );
  }
  return (
    <div className="feedback" role="group" aria-label="这个回答有用吗" data-testid="feedback">
      <span>有用吗？</span>
      <button type="button" onClick={() => post(true)}>
        有用
      </button>
      <button type="button" onClick={() => onVote("没用")}>
        没用
      </button>
    </div>
  );
}

/** What is read aloud or announced of a bot message: never its sources. */
function spoken(text, card) {
  if (card) return [card.answer, ...card.blocks.map((b) => (b.items ? b.items.join("；") : b.text))].join("\n");
  return text.split(/\n依[据據]：/)[0];
}

function WelcomeCard({ welcome, onPick }) {
  return (
    <section className="welcome" aria-labelledby="welcome-title" data-testid="welcome">
      <div className="welcome-head">
        <span className="avatar" aria-hidden="true">
          微
        </span>
        <h2 id="welcome-title">微粒贷客服模拟助手</h2>
      </div>
      <p className="welcome-text">{welcome?.text || "你好，我可以帮你弄清逾期、利率、协商还款、催收这些问题，也可以陪你模拟一次协商电话。"}</p>
      <button type="button" className="primary" onClick={() => onPick({ name: "模拟一次协商电话", payload: "/start_rehearsal" })}>
        模拟一次协商电话
      </button>
      <h3>猜你想问</h3>
      <ul className="guess">
        {(welcome?.questions || []).map((q) => (
          <li key={q.payload}>
            <button type="button" onClick={() => onPick({ name: q.title, payload: q.payload })}>
              {q.title}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function App() {
  const { messages, appendMsg, updateMsg } = useMessages(load(HISTORY_KEY));
  const [waiting, setWaiting] = useState(false); // the typing indicator while the bot answers
  const [status, setStatus] = useState("connecting");
  const [config, setConfig] = useState(null);
  const [replies, setReplies] = useState(() => {
    const last = [...messages].reverse().find((m) => m.position !== "right");
    return last?.content?.buttons?.length ? toQuickReplies(last.content.buttons) : DEFAULT_REPLIES;
  });
  const [callMode, setCallMode] = useState(false);
  const [notice, setNotice] = useState(() => {
    if (!sessionStorage.getItem(CLEARED_KEY)) return "";
    sessionStorage.removeItem(CLEARED_KEY);
    return "已清空这个浏览器保存的聊天记录和练习记录，这是一次新的对话。";
  });
  const [announce, setAnnounce] = useState(""); // the polite live region: the latest bot message
  const [listening, setListening] = useState(false);
  const [calls, setCalls] = useState(() => load(CALLS_KEY));
  const [showCalls, setShowCalls] = useState(false);
  const [call, setCall] = useState(null); // a rehearsal call on: {difficulty, startedAt}
  const [now, setNow] = useState(Date.now());
  const channel = useRef(null);
  const pending = useRef([]);
  const unanswered = useRef(new Map()); // message id → {timer, content}: sent, no answer yet
  const late = useRef(new Map()); // message id → content: marked 没有收到回复, an answer may still come
  const lastTap = useRef({ payload: "", at: 0 });
  const rules = useRef([]);
  const callModeRef = useRef(callMode);
  callModeRef.current = callMode;

  // History survives a reload (the server keeps the conversation too, under the same session id).
  useEffect(() => {
    const kept = messages.slice(-MAX_HISTORY).map(({ _id, createdAt, ...rest }) => rest);
    localStorage.setItem(HISTORY_KEY, JSON.stringify(kept));
    // ChatUI marks every message role=alert (assertive): screen readers would interrupt for each one.
    // The page announces the latest bot message once, politely, instead (see the live region below).
    document.querySelectorAll(".Message-content[role=alert]").forEach((el) => {
      el.removeAttribute("role");
      el.setAttribute("aria-live", "off");
    });
  }, [messages]);

  const onBotMessage = (message) => {
    setWaiting(false);
    unanswered.current.forEach(({ timer }) => clearTimeout(timer));
    unanswered.current.clear();
    // An answer after the wait ran out: the message was heard after all, so its 重试 would send it twice.
    late.current.forEach((content, id) => updateMsg(id, { type: "text", content: { ...content, failed: false }, position: "right" }));
    late.current.clear();
    const buttons = message.quick_replies || message.buttons || [];
    const text = typeof message.text === "string" ? message.text : "";
    const card = message.card?.blocks ? message.card : null;
    const score = message.score?.items ? message.score : null;
    const calc = message.calc?.key ? message.calc : null;
    const doc = message.doc?.sections ? message.doc : null;
    const agent = message.call?.active && message.call.speaker === "agent";
    const coach = Boolean(score) || message.call?.speaker === "coach";
    if (message.call && !message.call.active) setCall(null);
    if (agent) setCall((on) => on || { difficulty: message.call.difficulty, startedAt: Date.now() });
    if (score) setCall(null);
    if (text) {
      const type = score ? "score" : calc ? "calc" : doc ? "doc" : card ? "card" : "text";
      // ``answer``: the knowledge entry's id, for 有用 / 没用 (none in a practice call: the agent's lines are no answers).
      const answer = !message.call && typeof message.answer === "string" ? message.answer : null;
      const content = { text, buttons, card, score, calc, doc, answer };
      appendMsg({ type, content, position: "left", user: agent ? AGENT : coach ? COACH : ASSISTANT });
      setAnnounce(spoken(text, card));
      // A long new answer opens at its top, not at its end.
      setTimeout(() => {
        const answers = document.querySelectorAll(".MessageList .Message.left");
        const last = answers[answers.length - 1];
        const list = document.querySelector(".MessageContainer");
        if (last && list && last.offsetHeight > list.clientHeight * 0.6) last.scrollIntoView({ block: "start" });
      }, 150);
    }
    setReplies(buttons.length ? toQuickReplies(buttons) : message.call?.active ? CALL_REPLIES : DEFAULT_REPLIES);
    if (callModeRef.current && text) speak(spoken(text, card));
    const ended = callSummary(text, new Date(), score);
    if (ended) {
      setCalls((before) => {
        const kept = [ended, ...before].slice(0, MAX_CALLS);
        localStorage.setItem(CALLS_KEY, JSON.stringify(kept));
        return kept;
      });
    }
  };
  // The socket lives as long as the page; it calls the latest handler (ChatUI's helpers change identity).
  const onBotMessageRef = useRef(onBotMessage);
  onBotMessageRef.current = onBotMessage;

  useEffect(() => {
    let link = null;
    let retry = null;
    let stopped = false;
    const start = () =>
      fetch("/config.json")
        .then((r) => {
          if (!r.ok) throw new Error(`config ${r.status}`);
          return r.json();
        })
        .then((loaded) => {
          if (stopped) return;
          rules.current = compileRules(loaded.privacy?.rules);
          setConfig(loaded);
          link = connect(loaded.socketUrl, sessionId(), {
            onMessage: (message) => onBotMessageRef.current(message),
            onStatus: (s) => {
              setStatus(s);
              // The link is gone: what was waiting for an answer will get none; say so now, with 重试.
              if (s === "offline") [...unanswered.current.keys()].forEach((id) => failRef.current(id, false));
              if (s === "online") {
                // Messages typed while the server was down go out now, in order.
                pending.current.splice(0).forEach((text) => link.send(text));
              }
            },
          });
          channel.current = link;
        })
        .catch(() => {
          // The page server may be restarting: say so and try again.
          setStatus("offline");
          if (!stopped) retry = setTimeout(start, CONFIG_RETRY_MS);
        });
    start();
    return () => {
      stopped = true;
      clearTimeout(retry);
      link?.close();
    };
  }, []);

  const send = useCallback(
    (raw, shown = raw) => {
      const typed = mask(raw, rules.current);
      const visible = raw === shown ? typed.text : shown;
      if (typed.masked) setNotice(config?.privacy?.notice || "手机号、身份证号、银行卡号或验证码已隐藏。");
      const id = `u-${Date.now()}-${Math.random().toString(16).slice(2)}`;
      appendMsg({ _id: id, type: "text", content: { text: visible, payload: typed.text }, position: "right" });
      if (channel.current?.send(typed.text)) {
        setWaiting(true);
        const content = { text: visible, payload: typed.text };
        unanswered.current.set(id, { content, timer: setTimeout(() => failRef.current(id, true), ANSWER_TIMEOUT_MS) });
      } else {
        pending.current.push(typed.text);
      }
    },
    [appendMsg, updateMsg, config],
  );

  /** Marks a sent message 没有收到回复 with 重试; mayStillCome: the link is up, a late answer clears the mark. */
  const fail = (id, mayStillCome) => {
    const waited = unanswered.current.get(id);
    if (!waited) return;
    clearTimeout(waited.timer);
    unanswered.current.delete(id);
    if (unanswered.current.size === 0) setWaiting(false);
    if (mayStillCome) late.current.set(id, waited.content);
    updateMsg(id, { type: "text", content: { ...waited.content, failed: true }, position: "right" });
  };
  const failRef = useRef(fail);
  failRef.current = fail;

  const handleSend = (type, value) => {
    if (type === "text" && value.trim()) send(value.trim());
  };

  const tap = (item) => {
    const now = Date.now();
    const payload = item.payload || item.name;
    if (lastTap.current.payload === payload && now - lastTap.current.at < DOUBLE_TAP_MS) return;
    lastTap.current = { payload, at: now };
    send(payload, item.name);
  };

  const retry = (msg) => {
    late.current.delete(msg._id);
    updateMsg(msg._id, { ...msg, content: { ...msg.content, failed: false } });
    send(msg.content.payload || msg.content.text, msg.content.text);
  };

  const clearHistory = () => {
    if (!window.confirm("清空这个浏览器保存的全部记录（聊天记录和练习记录），并开始新的对话？")) return;
    // Everything this page keeps in the browser is under one prefix: the chat, the practice calls, the session.
    Object.keys(localStorage)
      .filter((key) => key.startsWith(STORAGE_PREFIX))
      .forEach((key) => localStorage.removeItem(key));
    forgetSession();
    sessionStorage.setItem(CLEARED_KEY, "1");
    window.location.reload();
  };

  // Enter that ends a pinyin composition picks characters; it must not send the message.
  const guardComposition = (e) => {
    if (e.key === "Enter" && (e.nativeEvent.isComposing || e.keyCode === 229)) e.stopPropagation();
  };

  const toggleCallMode = () => {
    const reason = unavailableReason();
    if (reason) {
      setNotice(reason);
      return;
    }
    if (callMode) stopSpeaking();
    setNotice(callMode ? "" : canListen ? "通话模式已开：客服的话会读出来，点🎤可以直接说。" : "通话模式已开：客服的话会读出来（这个浏览器不支持语音输入，请打字）。");
    setCallMode(!callMode);
  };

  const startListening = () => {
    setListening(true);
    listen(
      (text) => send(text),
      () => setListening(false),
      (message) => setNotice(message),
    );
  };

  // The call's timer.
  useEffect(() => {
    if (!call) return undefined;
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [call]);

  const saveTranscript = () => {
    const text = rehearsalTranscript(messages);
    if (text) download(text, `协商练习记录-${new Date().toISOString().slice(0, 10)}.txt`);
  };

  const renderNavbar = () => (
    <header className="topbar">
      <a
        href="#chat-input"
        className="skip-link"
        onClick={(e) => {
          e.preventDefault();
          document.querySelector(".Composer textarea, textarea")?.focus();
        }}
      >
        跳到输入框
      </a>
      <div className="topbar-row">
        <h1>微粒贷客服模拟助手</h1>
        <div className="topbar-actions">
          {calls.length > 0 && (
            <button
              type="button"
              className="chip"
              aria-expanded={showCalls}
              onClick={() => setShowCalls(!showCalls)}
              data-testid="calls"
            >
              练习记录（{calls.length}）
            </button>
          )}
          <button
            type="button"
            className={`chip ${callMode ? "on" : ""}`}
            aria-pressed={callMode}
            onClick={toggleCallMode}
            data-testid="call-mode"
          >
            {callMode ? "通话模式：开" : "通话模式"}
            <span className="sr-only">（练习时把客服的话读出来，也可以用语音回答）</span>
          </button>
          <button type="button" className="chip" onClick={clearHistory} data-testid="clear">
            清空记录
          </button>
        </div>
      </div>
      {call && (
        <div className="call-banner" data-testid="call-banner">
          <span>
            <span className="live-dot" aria-hidden="true" />
            模拟通话中 · {call.difficulty} · <span aria-label="通话时长">{clock(now - call.startedAt)}</span>
          </span>
          <button type="button" onClick={() => tap({ name: "结束练习", payload: "结束练习" })}>
            结束练习
          </button>
        </div>
      )}
      <p className="simulation-notice" data-testid="notice">
        模拟练习工具，不是微众银行官方客服；请勿输入身份证号、银行卡号、密码或验证码。
      </p>
      {showCalls && (
        // Its own scrolling box under the header: inside the header's flow the five columns had one character a line.
        <div className="calls-box" data-testid="calls-box">
          <Table
            className="calls"
            testId="calls-table"
            caption="这个浏览器里之前的练习"
            columns={["时间", "情况", "难度", "得分", "最需要加强"]}
            rows={calls.map((c) => [c.date, c.case, c.difficulty, c.score, c.weakest || "—"])}
          />
        </div>
      )}
      {status === "offline" && (
        <p className="conn-error" role="alert" data-testid="conn-error">
          {navigator.onLine ? "暂时连不上服务，正在自动重连……" : "网络已断开，联网后会自动重连。"}
          你发的消息会在恢复后自动发出。
        </p>
      )}
      {notice && (
        <p className="info" role="status">
          {notice}
        </p>
      )}
    </header>
  );

  const renderMessageContent = (msg) => {
    const { text, failed, card, score, calc, doc, answer, vote } = msg.content;
    const mine = msg.position === "right";
    const feedback = answer && (
      <Feedback
        answer={answer}
        vote={vote}
        reasons={config?.feedback?.reasons || []}
        onVote={(v) => updateMsg(msg._id, { ...msg, content: { ...msg.content, vote: v } })}
      />
    );
    if (doc) {
      return (
        <Bubble>
          <DocCard doc={doc} text={text} />
        </Bubble>
      );
    }
    if (calc) {
      return (
        <Bubble>
          <Suspense fallback={<div className="msg-text">{text}</div>}>
            <CalcCard calc={calc} text={text} />
          </Suspense>
          {feedback}
        </Bubble>
      );
    }
    if (score) {
      return (
        <Bubble>
          <ScoreCard
            score={score}
            calls={calls}
            onAgain={() => tap({ name: "再练一次", payload: "/start_rehearsal" })}
            onReplay={() => tap({ name: "同一个情况再来一次", payload: "同一个情况再来一次" })}
            onDownload={saveTranscript}
          />
        </Bubble>
      );
    }
    if (card) {
      return (
        <Bubble>
          <AnswerCard card={card} />
          {feedback}
        </Bubble>
      );
    }
    return (
      <Bubble>
        <div className="msg-text">{mine ? text : withPhoneLinks(text)}</div>
        {failed && (
          <div className="failed" data-testid="failed">
            没有收到回复
            <button type="button" onClick={() => retry(msg)}>
              重试
            </button>
          </div>
        )}
      </Bubble>
    );
  };

  const renderQuickReplies = () => (
    <div className="below">
      {waiting && (
        <div className="typing" data-testid="typing">
          客服正在输入<span className="dots" aria-hidden="true" />
        </div>
      )}
      {/* On the first screen the welcome card offers the questions and the practice call: not twice more. */}
      {messages.length > 0 && (
        <div className="replies" role="group" aria-label="快捷回复">
          {replies.map((item) => (
            <button type="button" key={item.name + item.payload} className="reply" onClick={() => tap(item)}>
              {item.name}
            </button>
          ))}
        </div>
      )}
      <nav className="toolbar" aria-label="常用功能">
        {callMode && (
          <button type="button" onClick={startListening} disabled={listening} data-testid="mic" aria-label="按一下说话">
            {listening ? "在听…" : "🎤 说话"}
          </button>
        )}
        {TOOLBAR.map((item) => (
          <button type="button" key={item.name} onClick={() => tap(item)}>
            {item.name}
          </button>
        ))}
      </nav>
    </div>
  );

  return (
    <main
      className="page"
      data-connection={status}
      data-started={messages.length > 0 ? "" : undefined}
      onKeyDownCapture={guardComposition}
    >
      <Chat
        locale="zh-CN"
        renderNavbar={renderNavbar}
        renderBeforeMessageList={() => (messages.length ? null : <WelcomeCard welcome={config?.welcome} onPick={tap} />)}
        messages={messages}
        renderMessageContent={renderMessageContent}
        renderQuickReplies={renderQuickReplies}
        onSend={handleSend}
        inputOptions={{ "aria-label": "输入你的问题" }}
        placeholder="说说你的情况，比如：逾期了怎么办"
      />
      <div className="sr-only" aria-live="polite" data-testid="live">
        {announce}
      </div>
    </main>
  );
}
