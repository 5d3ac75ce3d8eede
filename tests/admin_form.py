"""Post an admin form the way a browser would: every field as the page rendered it, then the edits.

Tests that type out every field of a change form break whenever a field is added (a translation,
an inline); reading the rendered form keeps them about the one edit they make.
"""

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._selected: list[str] = []
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select, self._selected, self._first_option = name, [], None
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self._selected.append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            chosen = self._selected or ([] if self._multiple else [self._first_option or ""])
            self.data[self._select] = chosen
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data[self._textarea] = ["".join(self._text).removeprefix("\n")]
            self._textarea = None


def form_data(html: str, form_id: str) -> dict[str, list[str]]:
    """The fields of the form with this id, as a browser would submit them unchanged."""
    parser = _FormFields(form_id)
    parser.feed(html)
    return parser.data


def change_form(client, url: str, form_id: str, **edits) -> dict[str, list[str]]:
    """GET an admin change page and return its form's data with `edits` applied (values as strings)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = form_data(response.content.decode(), form_id)
    assert data, f"no form #{form_id} on {url}"
    for name, value in edits.items():
        data[name] = value if isinstance(value, list) else [str(value)]
    return data
