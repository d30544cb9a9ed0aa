from tipweek.cli import main

main()
