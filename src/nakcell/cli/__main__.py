from nakcell.cli import main

main()
