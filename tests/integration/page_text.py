"""A page's text as a person meets it: what is shown or read aloud, in its blocks (a heading,
a paragraph, a table cell, a button …), without scripts, styles or hidden elements."""

from __future__ import annotations

from html.parser import HTMLParser

# Elements whose end closes a block of text: each block is read as a sentence of its own.
BLOCKS = {
    *("address", "article", "aside", "blockquote", "button", "caption", "dd", "details"),
    *("div", "dt", "fieldset", "figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5"),
    *("h6", "header", "label", "legend", "li", "main", "nav", "ol", "option", "p", "section"),
    *("select", "summary", "table", "td", "th", "title", "tr", "ul", "br"),
}
UNSEEN = {"script", "style", "template", "noscript", "svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.unseen: list[str] = []  # open elements whose text is not shown

    def _close_block(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        hidden = tag in UNSEEN or any(name == "hidden" for name, _ in attrs)
        if tag in BLOCKS:
            self._close_block()
        if tag in VOID:
            return
        if hidden or self.unseen:
            self.unseen.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.unseen:
            if tag in self.unseen:
                while self.unseen and self.unseen.pop() != tag:
                    pass
            return
        if tag in BLOCKS:
            self._close_block()

    def handle_data(self, data: str) -> None:
        if not self.unseen:
            self.current.append(data)


def text_blocks(html: str) -> list[str]:
    """The page's visible text, one string a block, in reading order."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    parser._close_block()
    return parser.blocks


def visible_text(html: str) -> str:
    """The page's visible text as one string, its blocks separated by new lines."""
    return "\n".join(text_blocks(html))
