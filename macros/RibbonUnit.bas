Attribute VB_Name = "RibbonUnit"
' Ribbon callbacks of the unit workbook (performance target table and self-evaluation).
' Each button runs one no-argument Python function of xlsxtools.excel through xlwings'
' RunPython; all logic, messages and error handling live in Python. Keep this module ASCII.
Option Explicit

' Tab "fill in": add or repair every dropdown and validation list.
Public Sub OnAddDropdowns(control As IRibbonControl)
    RunPython "import xlsxtools.excel as x; x.add_dropdowns()"
End Sub

' Tab "fill in": import an old table pasted onto the import sheet into the target sheet.
Public Sub OnImport(control As IRibbonControl)
    RunPython "import xlsxtools.excel as x; x.import_table()"
End Sub

' Group "check and score": check every row and list the findings on the report sheet.
Public Sub OnCheck(control As IRibbonControl)
    RunPython "import xlsxtools.excel as x; x.check_rows()"
End Sub

' Group "check and score": score every indicator, the budget execution and the total.
Public Sub OnScore(control As IRibbonControl)
    RunPython "import xlsxtools.excel as x; x.compute_scores()"
End Sub

' Group "check and score": check the mid-year monitoring sheet and show its state.
Public Sub OnMonitor(control As IRibbonControl)
    RunPython "import xlsxtools.excel as x; x.monitor_check()"
End Sub

' Group "check and score": remove the colours and notes written by a check.
Public Sub OnClearMarks(control As IRibbonControl)
    RunPython "import xlsxtools.excel as x; x.clear_marks()"
End Sub

' Group "help": show what each button does.
Public Sub OnHelp(control As IRibbonControl)
    RunPython "import xlsxtools.excel as x; x.show_help()"
End Sub
