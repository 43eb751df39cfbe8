"""No view of ours handles a POST by hand: every form goes through `mutuality.web.forms_flow`.

The test reads the web app's source (no imports, no database) and fails on any module that
reads `request.POST`, asks whether a request is a POST, or defines a class's `post` method,
outside the one flow module and the places listed below, each with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[3] / "mutuality" / "web"

ALLOWED: dict[str, str] = {
    # The one flow: the only reader of a submitted form.
    "forms_flow.py": "the one form flow",
    # django-axes asks whose account a failed sign-in was for; it is handed allauth's request.
    "accounts/lockout.py": "django-axes glue, not a page",
    # The session middleware decides where an ended session's request goes (no form read).
    "accounts/sessions.py": "middleware sending an expired session's GET back after sign-in",
    # Signing out and the second-factor step are django's and allauth's own views, extended.
    "accounts/views.py": "allauth's and django's sign-in and sign-out views, subclassed",
    # TRACE is refused for every address before any view runs (ASVS 13.4.4): no form is read.
    "middleware.py": "refuses TRACE before any view, reading no form",
    "throttle.py": "counts a signed-in person's writes by method before any view, reading no form",
    "accounts/reauthentication.py": "asks for each factor before a change, passing the form on",
    # Whether the page is only looked at, for auditing an outsider's view: no form is read.
    "relationships/views/common.py": "audit_view asks whether the page was only looked at",
}
"""Modules (relative to mutuality/web) allowed to look at the request's method or POST data.
The API, when it comes, is its own (issue 13, point 10) and will be listed here."""


def _by_hand(tree: ast.AST) -> list[tuple[int, str]]:
    """Each line that reads POST data, compares a request's method, or defines `post`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "POST":
            found.append((node.lineno, "reads .POST"))
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(side, ast.Attribute) and side.attr == "method" for side in sides):
                found.append((node.lineno, "compares .method"))
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name in ("post", "put", "patch"):
                    found.append((item.lineno, f"defines {node.name}.{item.name}"))
    return sorted(found)


FLOW = {"handle", "form_page"}
"""The flow's entrances: `forms_flow.handle`, and `form_page` (a relationship's form page on it)."""

NO_FORM: dict[tuple[str, str], str] = {
    # The idle warning's "Stay signed in" is a script's keep-alive: no form, no page, a 204.
    ("accounts/session_views.py", "stay_signed_in"): "a script's keep-alive, answered with 204",
}
"""Views that accept a POST without going through the flow, each with its reason."""


def _accepts_post(function: ast.FunctionDef) -> bool:
    """Whether a view's decorators let a POST through (require_POST, or a method list naming
    POST)."""
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Name) and decorator.id == "require_POST":
            return True
        if isinstance(decorator, ast.Call) and "POST" in ast.unparse(decorator.args):
            return True
    return False


def _called(function: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                names.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                names.add(node.func.attr)
    return names


def _posts_outside_the_flow(tree: ast.Module) -> list[str]:
    """The module's views that accept a POST but never reach the flow, even through the
    module's own helpers."""
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    calls = {name: _called(node) for name, node in functions.items()}
    reaching = set(FLOW)
    grew = True
    while grew:
        more = {name for name, called in calls.items() if called & reaching} - reaching
        reaching |= more
        grew = bool(more)
    return [
        name for name, node in functions.items() if _accepts_post(node) and name not in reaching
    ]


def _modules() -> list[Path]:
    return sorted(path for path in WEB.rglob("*.py") if "migrations" not in path.parts)


@pytest.mark.asvs("15.3.7")
def test_no_view_handles_a_post_by_hand() -> None:
    """Outside the flow module and the listed exceptions, nothing reads POST data, compares a
    request's method or defines a `post` method."""
    offences = []

    for path in _modules():
        name = path.relative_to(WEB).as_posix()
        if name in ALLOWED:
            continue
        for line, what in _by_hand(ast.parse(path.read_text(), filename=str(path))):
            offences.append(f"mutuality/web/{name}:{line}: {what}")

    assert offences == [], "handle POSTs through mutuality.web.forms_flow:\n" + "\n".join(offences)


def test_every_view_that_accepts_a_post_goes_through_the_flow() -> None:
    """Each view that lets a POST through reaches `handle` or `form_page`, directly or through
    its module's helpers, except those listed with a reason."""
    outside = []

    for path in _modules():
        name = path.relative_to(WEB).as_posix()
        tree = ast.parse(path.read_text(), filename=str(path))
        outside += [
            f"mutuality/web/{name}: {view}"
            for view in _posts_outside_the_flow(tree)
            if (name, view) not in NO_FORM
        ]

    assert outside == []


def test_the_scan_finds_a_post_view_outside_the_flow() -> None:
    """A view taking POSTs that never calls the flow is found; one reaching it through a
    helper is not."""
    source = (
        "@require_POST\n"
        "def by_hand(request): return redirect('/')\n"
        "@require_http_methods(['GET', 'POST'])\n"
        "def helped(request): return _helper(request)\n"
        "def _helper(request): return handle(request, flow)\n"
    )

    outside = _posts_outside_the_flow(ast.parse(source))

    assert outside == ["by_hand"]


def test_the_scan_finds_a_post_handled_by_hand() -> None:
    """The scan itself catches each way of handling a POST by hand (so a pass means something)."""
    source = (
        "def view(request):\n"
        "    if request.method == 'POST':\n"
        "        form = Form(request.POST)\n"
        "class Page(View):\n"
        "    def post(self, request): ...\n"
    )

    found = _by_hand(ast.parse(source))

    assert [what for _, what in found] == ["compares .method", "reads .POST", "defines Page.post"]


def test_every_allowed_module_exists() -> None:
    """The allow-lists name only modules that are there, so they cannot quietly go stale."""
    named = [*ALLOWED, *(module for module, _ in NO_FORM)]

    missing = [name for name in named if not (WEB / name).is_file()]

    assert missing == []
