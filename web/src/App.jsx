// The chat page: ChatUI on Rasa's socketio channel. Bot text is rendered as text (React escapes it;
// line breaks kept by CSS), never as HTML.
import { useCallback, useEffect, useRef, useState } from "react";
import Chat, { Bubble, useMessages } from "@chatui/core";
import { connect, sessionId } from "./rasa.js";
import { callSummary, download, lastDebrief, rehearsalTranscript } from "./transcript.js";
import { canListen, listen, speak, stopSpeaking, unavailableReason } from "./speech.js";

const HISTORY_KEY = "wld.history";
const MAX_HISTORY = 300;
// Earlier rehearsal calls (date, case, difficulty, score, weakest item): in this browser only.
const CALLS_KEY = "wld.calls";
const MAX_CALLS = 20;
// Shown when the latest bot message offers no buttons: the rehearsal entry first.
const DEFAULT_REPLIES = [
  { name: "模拟协商练习", payload: "/start_rehearsal", isHighlight: true },
  { name: "帮我算算利息", payload: '/ask_interest_calc{"calc_request":"start"}' },
  { name: "逾期了怎么办", payload: "/ask_overdue_help" },
  { name: "被催收骚扰", payload: "/report_harassment" },
  { name: "官方客服渠道", payload: "/ask_contact_channel" },
];

function loadHistory() {
  try {
    return JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]");
  } catch {
    return [];
  }
}

function loadCalls() {
  try {
    return JSON.parse(localStorage.getItem(CALLS_KEY) || "[]");
  } catch {
    return [];
  }
}

function toQuickReplies(buttons) {
  return (buttons || []).map((b) => ({ name: b.title, payload: b.payload }));
}

export default function App() {
  const { messages, appendMsg } = useMessages(loadHistory());
  const [typing, setTyping] = useState(false); // the typing indicator while the bot answers
  const [status, setStatus] = useState("connecting");
  const [replies, setReplies] = useState(() => {
    const last = [...messages].reverse().find((m) => m.position !== "right");
    return last?.content?.buttons?.length ? toQuickReplies(last.content.buttons) : DEFAULT_REPLIES;
  });
  const [callMode, setCallMode] = useState(false);
  const [notice, setNotice] = useState("");
  const [listening, setListening] = useState(false);
  const [calls, setCalls] = useState(loadCalls);
  const [showCalls, setShowCalls] = useState(false);
  const channel = useRef(null);
  const pending = useRef([]);
  const callModeRef = useRef(callMode);
  callModeRef.current = callMode;

  // History survives a reload (the server keeps the conversation too, under the same session id).
  useEffect(() => {
    const kept = messages.slice(-MAX_HISTORY).map(({ _id, createdAt, ...rest }) => rest);
    localStorage.setItem(HISTORY_KEY, JSON.stringify(kept));
  }, [messages]);

  const onBotMessage = (message) => {
    setTyping(false);
    const buttons = message.quick_replies || message.buttons || [];
    const text = typeof message.text === "string" ? message.text : "";
    if (text) appendMsg({ type: "text", content: { text, buttons }, position: "left" });
    const ended = callSummary(text);
    if (ended) {
      setCalls((before) => {
        const kept = [ended, ...before].slice(0, MAX_CALLS);
        localStorage.setItem(CALLS_KEY, JSON.stringify(kept));
        return kept;
      });
    }
    setReplies(buttons.length ? toQuickReplies(buttons) : DEFAULT_REPLIES);
    if (callModeRef.current && text) speak(text);
  };
  // The socket lives as long as the page; it calls the latest handler (ChatUI's helpers change identity).
  const onBotMessageRef = useRef(onBotMessage);
  onBotMessageRef.current = onBotMessage;

  useEffect(() => {
    let link = null;
    fetch("/config.json")
      .then((r) => r.json())
      .then(({ socketUrl }) => {
        link = connect(socketUrl, sessionId(), {
          onMessage: (message) => onBotMessageRef.current(message),
          onStatus: (s) => {
            setStatus(s);
            if (s === "online") {
              // Messages typed while the server was down go out now, in order.
              pending.current.splice(0).forEach((text) => link.send(text));
            }
          },
        });
        channel.current = link;
      })
      .catch(() => setStatus("offline"));
    return () => link?.close();
  }, []);

  const send = useCallback(
    (text, shown = text) => {
      appendMsg({ type: "text", content: { text: shown }, position: "right" });
      if (channel.current?.send(text)) {
        setTyping(true);
      } else {
        pending.current.push(text);
      }
    },
    [appendMsg],
  );

  const handleSend = (type, value) => {
    if (type === "text" && value.trim()) send(value.trim());
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
    );
  };

  const transcript = lastDebrief(messages) >= 0;
  const saveTranscript = () => {
    const text = rehearsalTranscript(messages);
    if (text) download(text, `协商练习记录-${new Date().toISOString().slice(0, 10)}.txt`);
  };

  const renderNavbar = () => (
    <header className="topbar">
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
          {transcript && (
            <button type="button" className="chip" onClick={saveTranscript} data-testid="download">
              下载练习记录
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
          </button>
          {callMode && canListen && (
            <button type="button" className="chip" onClick={startListening} disabled={listening} aria-label="说话">
              {listening ? "在听…" : "🎤"}
            </button>
          )}
        </div>
      </div>
      <p className="simulation-notice" data-testid="notice">
        模拟练习工具，不是微众银行官方客服；请勿输入身份证号、银行卡号、密码或验证码。
      </p>
      {showCalls && (
        <table className="calls" data-testid="calls-table">
          <caption>这个浏览器里之前的练习</caption>
          <thead>
            <tr>
              <th scope="col">时间</th>
              <th scope="col">情况</th>
              <th scope="col">难度</th>
              <th scope="col">得分</th>
              <th scope="col">最需要加强</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((c) => (
              <tr key={c.date + c.score + c.case}>
                <td>{c.date}</td>
                <td>{c.case}</td>
                <td>{c.difficulty}</td>
                <td>{c.score}</td>
                <td>{c.weakest || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {status === "offline" && (
        <p className="conn-error" role="alert" data-testid="conn-error">
          暂时连不上服务，正在自动重连…… 你发的消息会在恢复后自动发出。
        </p>
      )}
      {notice && (
        <p className="info" role="status">
          {notice}
        </p>
      )}
    </header>
  );

  const renderMessageContent = (msg) => (
    <Bubble>
      <div className="msg-text">{msg.content.text}</div>
    </Bubble>
  );

  return (
    <div className="page" onKeyDownCapture={guardComposition}>
      <Chat
        locale="zh-CN"
        renderNavbar={renderNavbar}
        messages={messages}
        isTyping={typing}
        renderMessageContent={renderMessageContent}
        quickReplies={replies}
        onQuickReplyClick={(item) => send(item.payload || item.name, item.name)}
        onSend={handleSend}
        placeholder="说说你的情况，比如：逾期了怎么办"
      />
    </div>
  );
}
