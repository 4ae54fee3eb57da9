# The hello app of the Django example: one plain-text view at /.
