Attribute VB_Name = "ServerHelpers"
' What xlwings' VBA client cannot do itself, for the buttons that run on the bureau's service
' (see ServerButtons). The service asks for these with book.app.macro("Name")(args...), which
' xlwings sends as a "runMacro" action; the client runs Application.Run "Name", wb, args...
' Each sub makes the same Excel calls as the local (RunPython) path makes through COM
' (xlsxtools/excel/edge.py); the argument lists match edge.HELPERS. Keep this module ASCII.
Option Explicit

Private Const XL_NONE As Long = -4142
Private Const XL_LIST_SEPARATOR As Long = 5
Private Const TYPE_LIST As Long = 3
Private Const TYPE_CUSTOM As Long = 7

' Sheet name -> its protection allowances ("1"/"0" per Allow* argument of Protect), for the
' sheets XtUnprotect opened and XtProtect has not closed yet.
Private protections As Collection

' The note of a cell ("" removes it).
Public Sub XtSetNote(wb As Workbook, ByVal sheetName As Variant, ByVal address As Variant, ByVal text As Variant)
    Dim cell As Range
    Set cell = wb.Worksheets(CStr(sheetName)).Range(CStr(address))
    If Not cell.Comment Is Nothing Then cell.Comment.Delete
    If Len(XtStr(text)) > 0 Then cell.AddComment XtStr(text)
End Sub

' No fill.
Public Sub XtClearFill(wb As Workbook, ByVal sheetName As Variant, ByVal address As Variant)
    wb.Worksheets(CStr(sheetName)).Range(CStr(address)).Interior.ColorIndex = XL_NONE
End Sub

' Hide the columns of a range.
Public Sub XtHideColumns(wb As Workbook, ByVal sheetName As Variant, ByVal address As Variant)
    wb.Worksheets(CStr(sheetName)).Range(CStr(address)).EntireColumn.Hidden = True
End Sub

' Unprotect a protected sheet, remembering its allowances for XtProtect.
Public Sub XtUnprotect(wb As Workbook, ByVal sheetName As Variant, ByVal password As Variant)
    Dim ws As Worksheet
    Set ws = wb.Worksheets(CStr(sheetName))
    If Not ws.ProtectContents Then Exit Sub
    If protections Is Nothing Then Set protections = New Collection
    XtForget CStr(sheetName)
    protections.Add XtAllowances(ws), CStr(sheetName)
    ws.Unprotect CStr(password)
End Sub

' Protect again a sheet XtUnprotect opened, with the allowances it had.
Public Sub XtProtect(wb As Workbook, ByVal sheetName As Variant, ByVal password As Variant)
    Dim allow As String
    allow = XtForget(CStr(sheetName))
    If Len(allow) = 0 Then Exit Sub
    wb.Worksheets(CStr(sheetName)).Protect CStr(password), True, True, True, False, _
        XtBit(allow, 1), XtBit(allow, 2), XtBit(allow, 3), XtBit(allow, 4), XtBit(allow, 5), XtBit(allow, 6), _
        XtBit(allow, 7), XtBit(allow, 8), XtBit(allow, 9), XtBit(allow, 10), XtBit(allow, 11)
End Sub

' A validation rule (Range.Validation.Add). A literal list arrives with "," and gets the
' list separator of this PC; a formula with relative references is read by Excel from the
' active cell, so the first cell of the range is selected first (the service restores the
' selection afterwards).
Public Sub XtSetValidation(wb As Workbook, ByVal sheetName As Variant, ByVal address As Variant, _
        ByVal vType As Variant, ByVal alertStyle As Variant, ByVal operator As Variant, _
        ByVal formula1 As Variant, ByVal formula2 As Variant)
    Dim ws As Worksheet
    Dim rng As Range
    Dim f1 As String
    Set ws = wb.Worksheets(CStr(sheetName))
    Set rng = ws.Range(CStr(address))
    f1 = XtStr(formula1)
    If CLng(vType) = TYPE_LIST And Left$(f1, 1) <> "=" Then
        f1 = Replace(f1, ",", Application.International(XL_LIST_SEPARATOR))
    End If
    If CLng(vType) = TYPE_CUSTOM Or (CLng(vType) = TYPE_LIST And InStr(f1, "(") > 0) Then
        ws.Activate
        rng.Cells(1, 1).Select
    End If
    rng.Validation.Delete
    If IsNull(formula1) Then
        rng.Validation.Add Type:=CLng(vType), AlertStyle:=CLng(alertStyle)
    ElseIf IsNull(operator) Then
        rng.Validation.Add Type:=CLng(vType), AlertStyle:=CLng(alertStyle), Formula1:=f1
    ElseIf IsNull(formula2) Then
        rng.Validation.Add Type:=CLng(vType), AlertStyle:=CLng(alertStyle), Operator:=CLng(operator), Formula1:=f1
    Else
        rng.Validation.Add Type:=CLng(vType), AlertStyle:=CLng(alertStyle), Operator:=CLng(operator), _
            Formula1:=f1, Formula2:=XtStr(formula2)
    End If
End Sub

' The texts and switches of the validation rule XtSetValidation added.
Public Sub XtValidationText(wb As Workbook, ByVal sheetName As Variant, ByVal address As Variant, _
        ByVal ignoreBlank As Variant, ByVal inCellDropdown As Variant, ByVal inputTitle As Variant, _
        ByVal inputMessage As Variant, ByVal showInput As Variant, ByVal errorTitle As Variant, _
        ByVal errorMessage As Variant, ByVal showError As Variant)
    With wb.Worksheets(CStr(sheetName)).Range(CStr(address)).Validation
        .IgnoreBlank = CBool(ignoreBlank)
        If CBool(inCellDropdown) Then .InCellDropdown = True
        .InputTitle = XtStr(inputTitle)
        .InputMessage = XtStr(inputMessage)
        .ShowInput = CBool(showInput)
        .ErrorTitle = XtStr(errorTitle)
        .ErrorMessage = XtStr(errorMessage)
        .ShowError = CBool(showError)
    End With
End Sub

' A yes/no question the service could not wait for: "yes" runs the service's button
' nextButton (e.g. import_table_confirmed), "no" shows the cancelled text.
Public Sub XtConfirm(wb As Workbook, ByVal question As Variant, ByVal title As Variant, ByVal nextButton As Variant, _
        ByVal cancelled As Variant, ByVal cancelledTitle As Variant)
    If MsgBox(XtStr(question), vbYesNo + vbInformation, XtStr(title)) = vbYes Then
        XtServerButton CStr(nextButton)
    Else
        MsgBox XtStr(cancelled), vbInformation, XtStr(cancelledTitle)
    End If
End Sub

Private Function XtStr(ByVal value As Variant) As String
    If IsNull(value) Or IsEmpty(value) Then
        XtStr = ""
    Else
        XtStr = CStr(value)
    End If
End Function

Private Function XtAllowances(ws As Worksheet) As String
    With ws.Protection
        XtAllowances = XtFlag(.AllowFormattingCells) & XtFlag(.AllowFormattingColumns) & _
            XtFlag(.AllowFormattingRows) & XtFlag(.AllowInsertingColumns) & XtFlag(.AllowInsertingRows) & _
            XtFlag(.AllowInsertingHyperlinks) & XtFlag(.AllowDeletingColumns) & XtFlag(.AllowDeletingRows) & _
            XtFlag(.AllowSorting) & XtFlag(.AllowFiltering) & XtFlag(.AllowUsingPivotTables)
    End With
End Function

Private Function XtFlag(ByVal allowed As Boolean) As String
    If allowed Then XtFlag = "1" Else XtFlag = "0"
End Function

Private Function XtBit(ByVal allow As String, ByVal i As Long) As Boolean
    XtBit = Mid$(allow, i, 1) = "1"
End Function

' The remembered allowances of a sheet ("" none), forgotten.
Private Function XtForget(ByVal key As String) As String
    If protections Is Nothing Then Exit Function
    On Error Resume Next
    XtForget = protections(key)
    If Err.Number = 0 Then protections.Remove key
    Err.Clear
    On Error GoTo 0
End Function
