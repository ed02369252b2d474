"""One module per model family: how to build its tiny checkpoints with the real transformers classes.

A family module provides checkpoint builders (functions that write a model folder with save_pretrained) and
registers them in ``vlmref.checkpoints.CHECKPOINTS``. The dump (``vlmref.dump``) needs nothing from a family:
it loads any folder with transformers' Auto classes and reads the decoder layers through ``get_decoder()``.
"""
