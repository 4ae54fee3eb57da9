# Project package of the warpdrive Django example.
