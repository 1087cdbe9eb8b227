  // Shared by the widget and the ticket form (api/web/static/shared/), inside each one's closure.

  // A file the browser names no type for (logs, some archives, voice notes) is typed by its extension;
  // a picker offers the extensions of the types the API accepts. The API checks again.
  const TYPES_BY_EXTENSION = {
    jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp", gif: "image/gif",
    pdf: "application/pdf", txt: "text/plain", log: "text/plain", csv: "text/csv", json: "application/json",
    xml: "application/xml", zip: "application/zip", doc: "application/msword", xls: "application/vnd.ms-excel",
    docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ogg: "audio/ogg", opus: "audio/ogg", mp3: "audio/mpeg", m4a: "audio/mp4", aac: "audio/aac", amr: "audio/amr",
    mp4: "video/mp4", "3gp": "video/3gpp",
  };
