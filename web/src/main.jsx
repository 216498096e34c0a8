import { createRoot } from "react-dom/client";
import "@chatui/core/dist/index.css";
import "./style.css";
import App from "./App.jsx";

createRoot(document.getElementById("root")).render(<App />);
