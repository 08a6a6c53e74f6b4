Attribute VB_Name = "RibbonSummary"
' Ribbon callbacks of the summary workbook (consolidation of the unit workbooks in a folder).
' The folder lives in the cell named xt_summary_folder; it can be typed there or chosen with
' the folder picker, and it is kept with the workbook. Consolidation itself runs in Python
' (xlsxtools.excel) through xlwings' RunPython. Keep this module ASCII.
Option Explicit

Private Const FOLDER_NAME As String = "xt_summary_folder"

' Button "consolidate": asks for the folder when none is set yet, then consolidates.
Public Sub OnConsolidate(control As IRibbonControl)
    If Len(Trim$(CStr(FolderCell().Value))) = 0 Then
        If Not PickFolder() Then Exit Sub
    End If
    RunPython "import xlsxtools.excel as x; x.consolidate()"
End Sub

' Button "choose folder": changes the remembered folder.
Public Sub OnPickFolder(control As IRibbonControl)
    PickFolder
End Sub

' Button "open findings": opens the findings list of the last consolidation.
Public Sub OnOpenFindings(control As IRibbonControl)
    RunPython "import xlsxtools.excel as x; x.open_findings()"
End Sub

' Button "report": writes the analysis report (.docx) of the last consolidation.
Public Sub OnReport(control As IRibbonControl)
    RunPython "import xlsxtools.excel as x; x.report()"
End Sub

' Button "help".
Public Sub OnHelpSummary(control As IRibbonControl)
    RunPython "import xlsxtools.excel as x; x.show_help()"
End Sub

Private Function FolderCell() As Range
    Set FolderCell = ThisWorkbook.Names(FOLDER_NAME).RefersToRange
End Function

' Shows a folder picker and writes the chosen folder into the folder cell.
' Returns False when the user cancels.
Private Function PickFolder() As Boolean
    Dim chosen As String
    Dim current As String
    current = Trim$(CStr(FolderCell().Value))
#If Mac Then
    ' Mac Excel has no folder picker dialog object; AppleScript may be refused by the
    ' sandbox, in which case the folder is typed into the cell instead.
    On Error Resume Next
    chosen = MacScript("return POSIX path of (choose folder)")
    On Error GoTo 0
#Else
    With Application.FileDialog(4) ' msoFileDialogFolderPicker
        ' Title: "choose the folder holding the unit workbooks"
        .Title = ChrW(&H9009) & ChrW(&H62E9) & ChrW(&H5355) & ChrW(&H4F4D) & ChrW(&H5DE5) & ChrW(&H4F5C) & _
                 ChrW(&H7C3F) & ChrW(&H6240) & ChrW(&H5728) & ChrW(&H6587) & ChrW(&H4EF6) & ChrW(&H5939)
        .AllowMultiSelect = False
        If Len(current) > 0 Then .InitialFileName = current
        If .Show = -1 Then chosen = .SelectedItems(1)
    End With
#End If
    If Len(chosen) = 0 Then
        PickFolder = False
        Exit Function
    End If
    ' The settings cell is unlocked, so this works on the protected sheet too.
    FolderCell().Value = chosen
    PickFolder = True
End Function
