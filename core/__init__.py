"""appmgr core: everything the console does, free of any user interface."""

__version__ = "0.1.0"
