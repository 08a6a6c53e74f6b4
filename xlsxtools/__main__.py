from xlsxtools.cli import main

main()
