@echo off
rem Bangban kiosk: start in kiosk mode at logon, and start it again if it exits with an error.
rem Put a shortcut to this file in the kiosk user's Startup folder (Win+R, shell:startup),
rem or use kiosk-task.xml (Task Scheduler) instead; see docs/deployment.md.
rem The bundle is expected in C:\Program Files\bangban-kiosk (build\dist\kiosk copied there).
setlocal
set "KIOSK_EXE=%ProgramFiles%\bangban-kiosk\kioskw.exe"
rem set "KIOSK_HOME=C:\ProgramData\bangban-kiosk"
rem set "KIOSK_VIRTUAL_KEYBOARD=1"
set /a tries=0
:again
"%KIOSK_EXE%" --fullscreen
if %ERRORLEVEL% EQU 0 goto :eof
set /a tries+=1
if %tries% GEQ 5 goto :eof
timeout /t 3 /nobreak >nul
goto again
