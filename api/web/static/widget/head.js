/*
 * ERP support assistant: embeddable chat widget.
 *
 *   <script src="https://API/static/widget.js" data-rasa-url="https://RASA" defer></script>
 *
 * Talks to Rasa's REST channel (POST {rasa}/webhooks/rest/webhook, {sender, message, metadata?})
 * and renders its replies: text, knowledge-base answers as article cards, buttons as quick replies.
 * Optional attributes: data-timeout-ms (request timeout, default 15000); data-portal-token (the
 * portal's signed JWT for its logged-in user, so the bot knows who is chatting). The paper clip
 * takes the API's own file limits (MAX_ATTACHMENT_BYTES, ATTACHMENT_TYPES), written in when served.
 * Files go raw to {rasa}/webhooks/rest/files?sender=…, which keeps them with the conversation: the
 * browser never holds the support API's key.
 *
 * Plain ES2020 with no dependencies and no build step, so a customer portal can embed it as is.
 * Every node is built with textContent (never innerHTML): bot text can echo what a user typed.
 *
 * /static/widget.js is this file and the other parts in api/web/static/widget/, one after the other
 * in the order api/web/widget.py lists them: head.js opens the closure they all share, tail.js
 * closes it, so the parts see each other's names as one file's would.
 */
(function () {
  "use strict";

  // currentScript is only set while this file's top level runs: read it before anything async.
  const script = document.currentScript;
  // A portal that includes the tag twice (templates, SPA re-renders) must still get one widget.
  if (!script || window.__erpSupportWidget) return;
  window.__erpSupportWidget = true;

  const RASA_URL = (script.getAttribute("data-rasa-url") || "http://localhost:5005").replace(/\/+$/, "");
  const TIMEOUT_MS = Number(script.getAttribute("data-timeout-ms")) || 15000;
  // The portal's signed token for its logged-in user (a JWT the portal's server renders into the tag);
  // the bot then knows who is chatting and may show that customer's own tickets.
  const PORTAL_TOKEN = script.getAttribute("data-portal-token") || "";
  // Checked before sending, so a file the channel would refuse is not uploaded for nothing. The API
  // writes its limits in where the mark is (api/web/widget.py): the same limits it enforces.
  const MIB = 1024 * 1024;
  const FILE_LIMITS = /* the API's file limits */ null;
  const MAX_FILE_BYTES = FILE_LIMITS.maxBytes;
  const MAX_FILE_MB = Math.round((MAX_FILE_BYTES / MIB) * 10) / 10;
  const FILE_TYPES = new Set(FILE_LIMITS.types);
  const STORAGE_KEY = "erp-support-widget:v1";
  const MAX_STORED = 50;
  const FALLBACK_LANGUAGE = "pt-BR";
  // Assets sit beside the script, on the API's origin, whatever page embeds it.
  const asset = (name) => new URL(name, script.src).href;

  // Used only when widget-i18n.json cannot be fetched (e.g. the API's CORS rules do not list the
  // embedding site): the chat must still work, in the fallback language.
  const BUILT_IN_STRINGS = {
    title: "Assistente de suporte",
    subtitle: "",
    launcherOpen: "Abrir o chat de suporte",
    launcherClose: "Fechar o chat de suporte",
    close: "Fechar o chat",
    inputLabel: "Sua mensagem",
    placeholder: "Descreva sua dúvida…",
    send: "Enviar",
    typing: "O assistente está digitando…",
    you: "Você",
    bot: "Assistente",
    welcome: "",
    quickReplies: "Respostas rápidas",
    article: "Artigo da base de conhecimento",
    readArticle: "Ler o artigo",
    newTab: "(abre em nova aba)",
    errorDown: "Não consegui falar com o assistente. Tente de novo.",
    errorTimeout: "O assistente demorou demais para responder.",
    retry: "Tentar de novo",
    attach: "Enviar um arquivo (imagem, PDF, texto, ZIP ou documento)",
    fileTooLarge: "O arquivo {name} passa do limite de {mb} MB e não foi enviado. Envie uma versão menor ou um link para ele.",
  };

  // The UI strings and their language: the built-in ones until widget-i18n.json has loaded.
  let t = BUILT_IN_STRINGS;
  let language = FALLBACK_LANGUAGE;
