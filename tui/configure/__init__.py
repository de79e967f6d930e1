"""Configure Protection (SPEC F-6): the screen's tabs and sub-dialogs."""
