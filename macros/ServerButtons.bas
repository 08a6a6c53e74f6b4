Attribute VB_Name = "ServerButtons"
' The ribbon buttons of a template built with "xlsxtools template build --server URL".
' Each button posts this workbook to the bureau's service with xlwings' RunRemotePython
' (module Remote) and the unit's access token ("Authorization: Bearer <token>"); xlwings
' applies the answer: values, colours, message boxes, and calls of the helper subs in
' ServerHelpers. The build rewrites each ribbon callback's RunPython line into
' XtServerButton "<button>" (or XtLocalOnly for the buttons that need this PC's files).
' The service's address is the key XLSXTOOLS_SERVER of the xlwings.conf sheet (xlwings'
' GetConfig); the token is asked once and kept in the user's settings (SaveSetting), never in
' the workbook. Chinese texts come from the generated module ServerText. Keep this module ASCII.
Option Explicit

Private Const SETTINGS_APP As String = "xlsxtools"
Private Const SETTINGS_SECTION As String = "server"
Private Const SETTINGS_TOKEN As String = "token"
Private Const CONF_SERVER As String = "XLSXTOOLS_SERVER"
Private Const API_PATH As String = "/api/xlwings/"

' Runs the service's button (a name of xlsxtools.excel.buttons.BUTTONS) on this workbook.
Public Sub XtServerButton(ByVal button As String)
    Dim url As String
    Dim token As String
    url = XtServerUrl()
    If Len(url) = 0 Then
        MsgBox XtText("no_server"), vbCritical, XtText("title")
        Exit Sub
    End If
    token = XtToken(False)
    If Len(token) = 0 Then Exit Sub
    Application.StatusBar = XtText("working")
    On Error GoTo Failed
    RunRemotePython url & API_PATH & button, auth:="Bearer " & token
    Application.StatusBar = False
    Exit Sub
Failed:
    Application.StatusBar = False
    MsgBox XtText("failed") & vbLf & Err.Description, vbCritical, XtText("title")
End Sub

' A button that reads or writes folders of this PC: the service cannot run it. Offers to
' open the service's pages in the browser instead.
Public Sub XtLocalOnly(ByVal button As String)
    Dim url As String
    url = XtServerUrl()
    If MsgBox(XtText("label:" & button) & XtText("local_only"), vbYesNo + vbInformation, XtText("title")) = vbYes Then
        If Len(url) > 0 Then ThisWorkbook.FollowHyperlink url
    End If
End Sub

' Ribbon button "access token": enter (or replace) the token.
Public Sub OnServerToken(control As IRibbonControl)
    If Len(XtToken(True)) > 0 Then MsgBox XtText("token_saved"), vbInformation, XtText("title")
End Sub

' The saved token; asks for it when there is none (or when askAgain). "" when the user cancels.
Private Function XtToken(ByVal askAgain As Boolean) As String
    Dim token As String
    If Not askAgain Then token = GetSetting(SETTINGS_APP, SETTINGS_SECTION, SETTINGS_TOKEN, "")
    If Len(token) = 0 Then
        token = Trim$(InputBox(XtText("token_prompt"), XtText("title")))
        If Len(token) > 0 Then SaveSetting SETTINGS_APP, SETTINGS_SECTION, SETTINGS_TOKEN, token
    End If
    XtToken = token
End Function

' The service's address without a trailing slash ("" when none is configured).
Private Function XtServerUrl() As String
    Dim url As String
    url = Trim$(CStr(GetConfig(CONF_SERVER, "")))
    Do While Right$(url, 1) = "/"
        url = Left$(url, Len(url) - 1)
    Loop
    XtServerUrl = url
End Function
