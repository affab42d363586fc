"""What a page must not contain: code that runs, or markup that escaped from user text."""

from html.parser import HTMLParser

EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class ActiveContent(HTMLParser):
    """Collects inline scripts, event handlers, script URLs and tags no user text may produce."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES:
                cleaned = "".join(ch for ch in (value or "") if ch > " ").lower()
                if cleaned.startswith(DANGEROUS_SCHEMES):
                    self.found.append(f"<{tag} {name}={cleaned[:30]}>")
        if tag == "script":
            src = attributes.get("src")
            if src and not (src.startswith("/") and not src.startswith("//")):
                self.found.append(f"<script src={src}>")
            self._inline_script = not src and (attributes.get("type") or "").lower() in EXECUTABLE_SCRIPT_TYPES
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in attributes:
            self.found.append("<meta http-equiv>")
        if tag == "form" and (attributes.get("action") or "").lower().startswith(("http:", "https:", "//")):
            self.found.append("<form action=elsewhere>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inline_script = False

    def handle_data(self, data):
        if self._inline_script and data.strip():
            self.found.append(f"<script>{data.strip()[:40]}")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    parser.close()
    return parser.found
