"""The Excel buttons through the bureau's service (``--server`` templates, xlwings' VBA client).

Each test builds a real workbook, turns it into the JSON xlwings' VBA client (addin/Remote.bas of
the installed xlwings) sends, runs :func:`xlsxtools.service.excel_remote.run_button` and checks the
returned actions: values, colours, the runMacro calls of the helper subs (notes, validation,
protection, questions) and the message box. The equality tests press each button both ways on a
simulated workbook (tests/excel_sim.py): the local path (RunPython, Windows COM) and the server's
answer applied as the VBA client and the helper subs do, and compare the final workbooks.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import excel_sim
import pytest
from test_excel import ZHENGWU, actuals_edit, paste, row_of
from test_excel_support import SAMPLES

from xlsxtools import layout
from xlsxtools.annotate import MARK_FIRST_COL, NOTE_PREFIX
from xlsxtools.config import Config
from xlsxtools.excel.edge import HELPERS, LiveBook
from xlsxtools.excel.remote import vba_payload_from_file
from xlsxtools.service.excel_remote import BUTTONS, PayloadError, run_button
from xlsxtools.vba.modules import macros_dir, xlwings_dir

xw = pytest.importorskip("xlwings")

T, A, R = layout.TARGETS_SHEET, layout.ACTUALS_SHEET, layout.REPORT_SHEET
PW = layout.PROTECTION_PASSWORD
REMOTE_BAS = (xlwings_dir() / "addin" / "Remote.bas").read_text(encoding="utf-8")
HELPERS_BAS = (macros_dir() / "ServerHelpers.bas").read_text(encoding="ascii")


@pytest.fixture(autouse=True)
def _logs(tmp_path, monkeypatch):
    monkeypatch.setenv("XLSXTOOLS_LOG_DIR", str(tmp_path / "logs"))


def press(name: str, payload: dict) -> list[dict]:
    """The actions of the service's answer, as they travel (through JSON once)."""
    answer = run_button(name, json.loads(json.dumps(payload)), config=Config())
    return json.loads(json.dumps(answer, ensure_ascii=True))["actions"]


def macros(acts: list[dict], name: str | None = None) -> list[list]:
    """The runMacro calls (helper name and arguments) of an answer, in order."""
    return [a["args"] for a in acts if a["func"] == "runMacro" and (name is None or a["args"][0] == name)]


def alerts(acts: list[dict]) -> list[list]:
    return [a["args"] for a in acts if a["func"] == "alert"]


def sheet_at(payload: dict, a: dict) -> str:
    return payload["sheets"][a["sheet_position"]]["name"]


# ---------------------------------------------------------------------------------------------
# The contract: buttons, the client's payload and subs, the helper subs
# ---------------------------------------------------------------------------------------------


def test_the_service_runs_the_unit_buttons_and_help_but_not_the_folder_buttons():
    assert BUTTONS == {"add_dropdowns", "import_table", "import_table_confirmed", "check_rows", "compute_scores",
                       "monitor_check", "clear_marks", "show_help"}
    with pytest.raises(KeyError):
        run_button("consolidate", {}, config=Config())


def test_every_button_of_the_table_takes_the_service_config():
    import inspect

    from xlsxtools.excel import ops
    from xlsxtools.excel.buttons import BUTTONS as TABLE

    for name, button in TABLE.items():
        params = inspect.signature(getattr(ops, name)).parameters
        assert next(iter(params)) == "book" and params["config"].default is None, name
        assert ("confirmed" in params) == button.confirms, name


def test_the_payload_has_exactly_the_keys_remote_bas_sends(unit_file):
    # Read the keys from the installed client's source: payload.Add "client" ... sheetDict.Add "values".
    def keys(var: str) -> set[str]:
        return set(re.findall(rf'\b{var}\.Add "(\w+)"', REMOTE_BAS))

    payload = vba_payload_from_file(unit_file)
    assert set(payload) == keys("payload") == {"client", "version", "book", "names", "sheets"}
    assert set(payload["book"]) == keys("bookPayload")
    assert all(set(s) == keys("sheetDict") for s in payload["sheets"])
    assert payload["names"] and all(set(n) == keys("nameDict") for n in payload["names"])
    assert payload["client"] == "VBA" and payload["version"] == xw.__version__
    assert '"client", "VBA"' in REMOTE_BAS and '"version", XLWINGS_VERSION' in REMOTE_BAS
    # Every worksheet, the hidden ones too, in workbook order; values from A1, empty cells null.
    assert [s["name"] for s in payload["sheets"]] == [T, A, layout.MONITOR_SHEET, R, layout.IMPORT_SHEET,
                                                      layout.LISTS_SHEET, layout.XLWINGS_CONF_SHEET]
    targets = payload["sheets"][0]["values"]
    assert targets[0][0] is None or isinstance(targets[0][0], str)
    assert targets[layout.TARGET_FIRST_ROW - 1][:5] == ["产出指标", "数量指标", "设置政务服务窗口数", "≥", 98]
    names = {n["name"]: n for n in payload["names"]}
    assert names[layout.NAME_LEVEL1]["address"] == "A3:A6" and names[layout.NAME_LEVEL1]["book_scope"] is True


def test_every_action_is_a_sub_of_the_vba_client_and_every_macro_a_helper_sub(unit_file, blank_file):
    client_subs = set(re.findall(r"^Sub (\w+)\(wb As Workbook, action As Dictionary\)", REMOTE_BAS, re.M))
    helper_subs = {name: params for name, params in re.findall(
        r"^Public Sub (\w+)\(wb As Workbook, (.*?)\)$", re.sub(r" _\r?\n\s*", " ", HELPERS_BAS), re.M)}
    assert set(helper_subs) == set(HELPERS)
    for name, params in helper_subs.items():
        assert len(params.split(",")) == HELPERS[name], name  # the argument counts the Python side sends
    lines = (SAMPLES / "zhengwu_2026.txt").read_text(encoding="utf-8").splitlines()
    cases = [(b, vba_payload_from_file(unit_file, {A: actuals_edit()})) for b in sorted(BUTTONS)]
    cases.append(("import_table", vba_payload_from_file(blank_file, {layout.IMPORT_SHEET: paste(lines)})))
    cases.append(("import_table", vba_payload_from_file(unit_file, {layout.IMPORT_SHEET: paste(lines)})))
    cases.append(("clear_marks", vba_payload_from_file(unit_file, {R: marks_edit()})))
    seen_helpers = set()
    for button, payload in cases:
        acts = press(button, payload)
        assert acts, button
        for a in acts:
            assert a["func"] in client_subs, (button, a["func"])
            if a["func"] == "runMacro":
                name, *args = a["args"]
                assert len(args) == HELPERS[name] and len(a["args"]) <= 11, (button, name)  # runMacro: ≤ 10 args
                seen_helpers.add(name)
    assert seen_helpers == set(HELPERS)  # every helper is used by some button


# ---------------------------------------------------------------------------------------------
# The buttons' actions
# ---------------------------------------------------------------------------------------------


def test_check_notes_fills_and_protection_go_through_the_helpers(unit_file):
    bad_target = f"{layout.TARGET_COL['target']}{row_of('举办窗口评选活动次数')}"
    payload = vba_payload_from_file(unit_file, {T: {bad_target: "很多"}})
    acts = press("check_rows", payload)
    notes = {(s, c): t for _, s, c, t in macros(acts, "XtSetNote")}
    assert notes[(T, bad_target)].startswith(NOTE_PREFIX) and "V001" in notes[(T, bad_target)]
    red = [a for a in acts if a["func"] == "setRangeColor" and a["args"] == ["#ffc7ce"]]
    assert any(sheet_at(payload, a) == T for a in red)
    # Every sheet written is opened before and protected again after, with the layout password.
    calls = macros(acts)
    opened = [c[1] for c in calls if c[0] == "XtUnprotect"]
    closed = [c[1] for c in calls if c[0] == "XtProtect"]
    assert set(opened) == {T, R} and closed == opened[::-1]
    assert all(c[2] == PW for c in calls if c[0] in ("XtUnprotect", "XtProtect"))
    first_open = next(i for i, a in enumerate(acts) if a["func"] == "runMacro" and a["args"][0] == "XtUnprotect")
    last_close = max(i for i, a in enumerate(acts) if a["func"] == "runMacro" and a["args"][0] == "XtProtect")
    writes = [i for i, a in enumerate(acts) if a["func"] in ("setValues", "setRangeColor")
              or (a["func"] == "runMacro" and a["args"][0] in ("XtSetNote", "XtHideColumns", "XtClearFill"))]
    assert first_open < min(writes) and max(writes) < last_close
    hide = macros(acts, "XtHideColumns")
    first_mark = layout.col_letter(MARK_FIRST_COL)
    assert hide == [["XtHideColumns", R, f"{first_mark}{layout.REPORT_HEADER_ROW}:"
                     f"{layout.col_letter(MARK_FIRST_COL + 3)}{layout.REPORT_HEADER_ROW}"]]
    box = alerts(acts)[-1]
    assert box[1] == "绩效工具：检查" and box[0].startswith("发现 1 个错误")


LINKED = f"{layout.ACTUAL_COL['name']}{layout.ACTUAL_FIRST_ROW}"


def marks_edit() -> dict[str, str]:
    """Marks of an earlier check on 检查结果: a 三级指标 cell of 实际完成 (grey in the template) and an
    input cell of 目标表 (no fill)."""
    first, col = layout.REPORT_FIRST_ROW, layout.col_letter
    report = {f"{col(MARK_FIRST_COL)}{layout.REPORT_HEADER_ROW}": "xlsxtools-marks:sheet"}
    for i, (sheet, cell, fill) in enumerate(((A, LINKED, "F2F2F2"), (T, "E9", ""))):
        report.update({f"{col(MARK_FIRST_COL)}{first + i}": sheet, f"{col(MARK_FIRST_COL + 1)}{first + i}": cell,
                       f"{col(MARK_FIRST_COL + 2)}{first + i}": fill})
    return report


def test_clear_restores_the_template_fill_with_a_helper(unit_file):
    linked = LINKED
    acts = press("clear_marks", vba_payload_from_file(unit_file, {R: marks_edit()}))
    assert macros(acts, "XtClearFill") == [["XtClearFill", T, "E9"]]
    assert [a["args"] for a in acts if a["func"] == "setRangeColor"] == [["#f2f2f2"]]
    assert sorted(m[1:] for m in macros(acts, "XtSetNote")) == [[A, linked, ""], [T, "E9", ""]]
    assert alerts(acts)[-1][0] == "已清除 2 个单元格的底色和批注（填写的内容没有改动）。"


def test_the_template_fill_of_the_monitoring_sheet():
    from xlsxtools.excel.edge import template_fill
    from xlsxtools.workbook.template import LINKED_FILL

    M, C, B = layout.MONITOR_SHEET, layout.MONITOR_COL, layout.MONITOR_BUDGET_COL
    first, v = layout.MONITOR_FIRST_ROW, layout.MONITOR_BUDGET_VALUE_ROW
    assert template_fill(M, f"{C['name']}{first + 3}") == LINKED_FILL  # linked to 目标表
    assert template_fill(M, f"{C['progress']}{first + 3}") == ""  # typed by the unit
    assert template_fill(M, f"{B['rate']}{v}") == LINKED_FILL and template_fill(M, f"{B['spent']}{v}") == ""
    assert template_fill(M, layout.MONITOR_UNIT_VALUE_CELL) == LINKED_FILL
    assert template_fill(layout.TARGETS_SHEET, f"{C['name']}{first + 3}") == ""


def test_compute_scores_on_the_server(unit_file):
    payload = vba_payload_from_file(unit_file, {A: actuals_edit()})
    acts = press("compute_scores", payload)
    cells = {}
    for a in acts:
        if a["func"] == "setValues" and sheet_at(payload, a) == A:
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    cells[f"{layout.col_letter(a['start_column'] + 1 + j)}{a['start_row'] + 1 + i}"] = v
    for i, (name, _, _, score) in enumerate(ZHENGWU):
        assert cells[f"{layout.ACTUAL_COL['score']}{layout.ACTUAL_FIRST_ROW + i}"] == pytest.approx(score), name
    assert "总分：99.50，等级：优" in alerts(acts)[-1][0]
    assert macros(acts, "XtUnprotect") == [["XtUnprotect", A, PW]]


def test_add_dropdowns_sends_the_validation_calls_and_restores_the_selection(unit_file):
    payload = vba_payload_from_file(unit_file, active_sheet=1, selection="G9")
    acts = press("add_dropdowns", payload)
    rules = {(m[1], m[2]): m[3:] for m in macros(acts, "XtSetValidation")}
    last = layout.TARGET_FIRST_ROW + layout.DEFAULT_GRID_ROWS - 1
    lv1 = layout.TARGET_COL["level1"]
    # xlValidateList = 3, xlValidAlertStop = 1, no operator, the named list as a formula
    assert rules[(T, f"{lv1}7:{lv1}{last}")] == [3, 1, None, f"={layout.NAME_LEVEL1}", None]
    year = f"{layout.HEADER_VALUE_COL}{layout.HEADER_ROW['year']}"
    assert rules[(T, year)] == [1, 1, 1, "2000", "2100"]  # xlValidateWholeNumber between 2000 and 2100
    texts = {(m[1], m[2]): m[3:] for m in macros(acts, "XtValidationText")}
    assert set(texts) == set(rules)
    _, dropdown, title, prompt, show_input, *_ = texts[(T, f"{lv1}7:{lv1}{last}")]
    assert dropdown is True and title == "一级指标" and prompt and show_input is True
    # The lists sheet is opened too; the selection of the user is back at the end.
    assert {m[1] for m in macros(acts, "XtUnprotect")} == {T, A, layout.MONITOR_SHEET, layout.LISTS_SHEET}
    last_rule = max(i for i, a in enumerate(acts) if a["func"] == "runMacro" and a["args"][0] == "XtSetValidation")
    after = [a for a in acts[last_rule:] if a["func"] in ("activateSheet", "rangeSelect")]
    assert [a["func"] for a in after] == ["activateSheet", "rangeSelect"]
    assert after[0]["args"] == [1] and (after[1]["start_row"], after[1]["start_column"]) == (8, 6)  # G9
    assert acts[-1]["func"] == "alert"


def test_import_over_a_filled_table_asks_on_the_client_then_runs_confirmed(unit_file):
    lines = (SAMPLES / "zhengwu_2026.txt").read_text(encoding="utf-8").splitlines()
    payload = vba_payload_from_file(unit_file, {layout.IMPORT_SHEET: paste(lines)})
    acts = press("import_table", payload)
    (confirm,) = macros(acts, "XtConfirm")
    assert "是否继续" in confirm[1] and confirm[2] == "绩效工具：导入" and confirm[3] == "import_table_confirmed"
    assert confirm[4] == "已取消导入，目标表没有改动。"
    assert [a["func"] for a in acts] == ["runMacro"]  # nothing written before the answer
    again = press("import_table_confirmed", payload)
    assert not macros(again, "XtConfirm")
    assert any(a["func"] == "setValues" and sheet_at(payload, a) == T for a in again)
    assert alerts(again)[-1][0].startswith("已导入 12 个指标到“目标表”")


def test_help_on_the_server_names_no_local_log_folder(unit_file, tmp_path):
    text = alerts(press("show_help", vba_payload_from_file(unit_file)))[-1][0]
    assert "· 检查：" in text and "访问令牌" in text and "日志文件夹" not in text and str(tmp_path) not in text


# ---------------------------------------------------------------------------------------------
# Bad requests and failures
# ---------------------------------------------------------------------------------------------


def test_not_a_template_is_a_message_box(unit_file):
    payload = {"client": "VBA", "version": xw.__version__, "book": {"name": "随便.xlsx", "active_sheet_index": 0,
                                                                   "selection": "A1"},
               "names": [], "sheets": [{"name": "Sheet1", "pictures": [], "tables": [], "values": [["a", 1]]}]}
    (box,) = alerts(press("check_rows", payload))
    assert box[1] == "绩效工具：检查" and box[3] == "critical" and "不是由模板生成的单位工作簿" in box[0]


def test_internal_error_is_logged_on_the_server_and_shown(unit_file, monkeypatch, caplog):
    from xlsxtools.excel import ops

    def boom(book, config=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(ops, "compute_scores", boom)
    (box,) = alerts(press("compute_scores", vba_payload_from_file(unit_file)))
    assert "程序内部错误：RuntimeError" in box[0] and "boom" not in box[0] and box[3] == "critical"
    assert "RuntimeError: boom" in caplog.text


@pytest.mark.parametrize("payload", [[], {"client": "VBA"}, {"client": "VBA", "version": "1", "book": {},
                                                                "sheets": []}])
def test_a_request_that_is_not_a_workbook_is_refused(payload):
    with pytest.raises(PayloadError):
        run_button("check_rows", payload, config=Config())


def test_a_huge_workbook_is_refused(monkeypatch, unit_file):
    from xlsxtools.service import excel_remote

    monkeypatch.setattr(excel_remote, "MAX_CELLS", 100)
    with pytest.raises(PayloadError, match="工作簿太大"):
        run_button("check_rows", vba_payload_from_file(unit_file), config=Config())


def test_another_xlwings_version_on_the_client_gets_a_message(unit_file):
    payload = vba_payload_from_file(unit_file)
    payload["version"] = "0.30.0"
    (box,) = alerts(press("check_rows", payload))
    assert "0.30.0" in box[0] and "新模板" in box[0]


def test_concurrent_calls_share_nothing(unit_file, blank_file):
    results: dict[str, list] = {}

    def remote_books() -> int:
        return sum(len(app.books) for app in xw.engines["remote"].apps)

    before = remote_books()

    def run(key: str, button: str, path: Path) -> None:
        results[key] = press(button, vba_payload_from_file(path))

    threads = [threading.Thread(target=run, args=(f"{b}{i}", b, p)) for i in range(3)
               for b, p in (("show_help", unit_file), ("clear_marks", blank_file))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for key, acts in results.items():
        assert len(alerts(acts)) == 1, key
        assert alerts(acts)[0][1] == ("绩效工具：帮助" if key.startswith("show_help") else "绩效工具：清除标记")
    assert remote_books() == before  # no book left behind in xlwings' shared remote app


def test_the_module_imports_no_web_framework():
    code = ("import sys, xlsxtools.service.excel_remote; "
            "print(sorted(m for m in ('fastapi', 'sqlalchemy', 'starlette') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------------------------------------
# The same result on either path
# ---------------------------------------------------------------------------------------------


def both_ways(path: Path, button: str, edit: dict | None = None) -> tuple[dict, dict]:
    """(local result, server result): the final state of the simulated workbook each way."""
    import xlsxtools.excel as x

    local = excel_sim.load(path, edit)
    book = excel_sim.DesktopBook(local)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(x, "caller", lambda: book)
        mp.setattr(x, "_app", lambda: book.app)
        mp.setattr("xlsxtools.excel.edge.platform_of", lambda b: "windows")
        getattr(x, button)()
    server = excel_sim.load(path, edit)
    payload = vba_payload_from_file(path, edit)
    excel_sim.apply_vba_actions(server, press(button, payload), lambda name: {"actions": press(name, payload)})
    return local.state(), server.state()


def assert_same(local: dict, server: dict) -> None:
    for key in local:
        assert local[key] == server[key], key


@pytest.mark.parametrize("button", ["check_rows", "compute_scores", "add_dropdowns", "monitor_check", "show_help"])
def test_same_result_on_either_path(unit_file, button):
    from test_excel_monitor import typed

    bad_target = f"{layout.TARGET_COL['target']}{row_of('举办窗口评选活动次数')}"
    edit = {A: actuals_edit(), T: {bad_target: "很多"}, layout.MONITOR_SHEET: typed(spent=60)}
    local, server = both_ways(unit_file, button, edit)
    if button == "show_help":  # the only difference: where to look when a button fails
        assert local["alerts"][0][0].split("按钮报错时")[0] == server["alerts"][0][0].split("按钮报错时")[0]
        return
    assert_same(local, server)
    before = excel_sim.load(unit_file, edit).state()
    changed = {"check_rows": "notes", "compute_scores": "values", "add_dropdowns": "validation",
               "monitor_check": "notes"}[button]
    assert local[changed] != before[changed]  # the button did something, the same on both paths
    assert all(local["protection"][s] == before["protection"][s] is not None for s in (T, A, R))


def test_same_result_of_check_then_clear(unit_file, tmp_path):
    """Check on either path, then clear on either path: both end where they began."""
    bad_target = f"{layout.TARGET_COL['target']}{row_of('举办窗口评选活动次数')}"
    edit = {A: actuals_edit(), T: {bad_target: "很多"}}
    local, server = both_ways(unit_file, "check_rows", edit)
    assert_same(local, server)
    assert any(NOTE_PREFIX in t for t in local["notes"][T].values())
    # the marks the check wrote (values of 检查结果) are the input of 清除标记
    marks = {f"{layout.col_letter(c)}{r}": v for (r, c), v in _sheet_values(server, R).items()}
    edit2 = {**edit, R: marks}
    local2, server2 = both_ways(unit_file, "clear_marks", edit2)
    assert_same(local2, server2)


def _sheet_values(state: dict, sheet: str) -> dict:
    return state["values"][sheet]


def test_same_result_of_import_into_a_blank_and_a_filled_table(unit_file, blank_file):
    lines = (SAMPLES / "zhengwu_2026.txt").read_text(encoding="utf-8").splitlines()
    for path in (blank_file, unit_file):  # the filled one asks first: "yes" on both paths
        local, server = both_ways(path, "import_table", {layout.IMPORT_SHEET: paste(lines)})
        assert_same(local, server)
        assert local["alerts"][-1][0].startswith("已导入 12 个指标")


def test_same_result_of_an_import_that_grows_the_grids(blank_file):
    n = layout.DEFAULT_GRID_ROWS + 5
    header = "一级指标\t二级指标\t三级指标\t指标值类型\t指标值\t计量单位\t指标解释\t评（扣）分标准\t备注"
    rows = [f"产出指标\t数量指标\t指标{i}\t≥\t{i}\t个\t说明\t达到计划值得满分2分，否则按实际值/计划值*指标分值计分。\t"
            for i in range(1, n + 1)]
    local, server = both_ways(blank_file, "import_table", {layout.IMPORT_SHEET: paste([header, *rows])})
    assert_same(local, server)
    assert local["values"][T][(layout.TARGET_FIRST_ROW + n - 1, 3)] == f"指标{n}"
    at = layout.TARGET_FIRST_ROW + layout.DEFAULT_GRID_ROWS  # the first inserted row links to 目标表
    a_at = layout.ACTUAL_FIRST_ROW + layout.DEFAULT_GRID_ROWS
    assert local["values"][A][(a_at, 1)] == f"=IF('{T}'!A{at}=\"\",\"\",'{T}'!A{at})"


def test_the_desktop_fake_is_what_liveBook_uses_on_windows(unit_file):
    wb = excel_sim.load(unit_file)
    assert LiveBook(excel_sim.DesktopBook(wb), "windows").sheet_names[:2] == [T, A]


def test_works_when_xlwings_was_imported_before_the_key_was_set(unit_file, tmp_path):
    # A web worker may import xlwings before this module: the remote engine is registered then.
    code = ("import json, sys, xlwings as xw; assert 'remote' not in [e.name for e in xw.engines]; "
            "from xlsxtools.service.excel_remote import run_button; from xlsxtools.config import Config; "
            "out = run_button('show_help', json.load(open(sys.argv[1])), config=Config()); "
            "print(out['actions'][-1]['args'][1])")
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps(vba_payload_from_file(unit_file)), encoding="utf-8")
    env = {k: v for k, v in __import__("os").environ.items() if k != "XLWINGS_LICENSE_KEY"}
    out = subprocess.run([sys.executable, "-c", code, str(payload)], capture_output=True, text=True, env=env,
                         check=True).stdout
    assert out.strip() == "绩效工具：帮助"
