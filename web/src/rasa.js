// Rasa's socketio channel with session persistence: the session id lives in localStorage, so a reload
// continues the same conversation (the server keeps it in its tracker store).
import { io } from "socket.io-client";

const SESSION_KEY = "wld.session";

export function sessionId() {
  let id = localStorage.getItem(SESSION_KEY);
  if (!id) {
    id = window.crypto?.randomUUID ? window.crypto.randomUUID() : `s-${Date.now()}-${Math.random().toString(16).slice(2)}`;
    localStorage.setItem(SESSION_KEY, id);
  }
  return id;
}

/**
 * Connects and keeps reconnecting. handlers: onStatus("online" | "offline"), onMessage(botMessage).
 * Returns send(text): false when offline (the caller keeps the message and sends it later).
 */
export function connect(socketUrl, session, { onStatus, onMessage }) {
  const socket = io(socketUrl, {
    path: "/socket.io",
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
  });
  let confirmed = false;
  socket.on("connect", () => socket.emit("session_request", { session_id: session }));
  socket.on("session_confirm", () => {
    confirmed = true;
    onStatus("online");
  });
  socket.on("bot_uttered", onMessage);
  socket.on("disconnect", () => {
    confirmed = false;
    onStatus("offline");
  });
  socket.on("connect_error", () => onStatus("offline"));
  // The browser knows at once when the network goes; the socket would notice only after its ping times out
  // (half a minute of 正在输入, and a message buffered to go out later while the page offered 重试).
  const offline = () => {
    confirmed = false;
    socket.disconnect();
    onStatus("offline");
  };
  const online = () => socket.connect();
  window.addEventListener("offline", offline);
  window.addEventListener("online", online);
  return {
    send(text) {
      if (!confirmed || !navigator.onLine) return false;
      socket.emit("user_uttered", { message: text, session_id: session });
      return true;
    },
    close: () => {
      window.removeEventListener("offline", offline);
      window.removeEventListener("online", online);
      socket.close();
    },
  };
}

/** Forgets the session id, so that the next load starts a new conversation (清空记录). */
export function forgetSession() {
  localStorage.removeItem(SESSION_KEY);
}
