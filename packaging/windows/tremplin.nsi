; Tremplin's Windows installer (NSIS 3, built by scripts/dist.sh):
;   makensis -DVERSION=… -DWINVER=X.Y.Z.N -DSRC=folder-with-tremplin.exe -DOUTFILE=… tremplin.nsi
; Installs for every account of the computer (Program Files, Start menu of
; all users, uninstaller in "Apps"), and optionally starts Tremplin in kiosk
; mode when the account that installs it logs in.
; Silent install: setup.exe /S [/KIOSK] [/D=C:\Path]   (/KIOSK: the option above)
; Silent uninstall: "C:\Program Files\Tremplin\uninstall.exe" /S
; A 64-bit installer: Tremplin is 64-bit only, and Wine without 32-bit
; support (Debian's wine64 alone) can then run it in tests.
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel admin
!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"

!define APP "Tremplin"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Tremplin"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
InstallDirRegKey HKLM "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"
VIProductVersion "${WINVER}"
VIAddVersionKey /LANG=1036 "ProductName" "${APP}"
VIAddVersionKey /LANG=1036 "FileDescription" "Installation de ${APP}"
VIAddVersionKey /LANG=1036 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "CompanyName" "${APP}"
VIAddVersionKey /LANG=1036 "LegalCopyright" "${APP}"

!define MUI_ICON "${SRC}\tremplin.ico"
!define MUI_UNICON "${SRC}\tremplin.ico"
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\tremplin.exe"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "French"
!insertmacro MUI_LANGUAGE "English"

LangString SecApp ${LANG_FRENCH} "Tremplin (obligatoire)"
LangString SecApp ${LANG_ENGLISH} "Tremplin (required)"
LangString SecKiosk ${LANG_FRENCH} "Démarrer Tremplin en mode borne à l'ouverture de ce compte"
LangString SecKiosk ${LANG_ENGLISH} "Start Tremplin in kiosk mode when this account logs in"
LangString Need64 ${LANG_FRENCH} "Tremplin demande Windows 64 bits."
LangString Need64 ${LANG_ENGLISH} "Tremplin needs 64-bit Windows."


Section "$(SecApp)" SEC_APP
  SectionIn RO
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File "${SRC}\tremplin.exe"
  File "${SRC}\tremplin.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\tremplin.exe" "" "$INSTDIR\tremplin.ico"
  CreateShortcut "$SMPROGRAMS\${APP} (borne).lnk" "$INSTDIR\tremplin.exe" "--kiosk" "$INSTDIR\tremplin.ico"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "${APP}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\tremplin.ico"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" $0
SectionEnd

Section /o "$(SecKiosk)" SEC_KIOSK
  ; The account running the installer (HKCU): other accounts stay ordinary.
  WriteRegStr HKCU "${RUN_KEY}" "Tremplin" '"$INSTDIR\tremplin.exe" --kiosk'
SectionEnd

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "$(Need64)" /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  ; /KIOSK on the command line ticks the kiosk option (for silent installs).
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/KIOSK" $1
  ${IfNot} ${Errors}
    SectionSetFlags ${SEC_KIOSK} ${SF_SELECTED}
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetRegView 64
  SetShellVarContext all
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$SMPROGRAMS\${APP} (borne).lnk"
  DeleteRegValue HKCU "${RUN_KEY}" "Tremplin"
  Delete "$INSTDIR\tremplin.exe"
  Delete "$INSTDIR\tremplin.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINST_KEY}"
  ; The answers (each account's AppData) are kept: they may not be synced yet.
SectionEnd
