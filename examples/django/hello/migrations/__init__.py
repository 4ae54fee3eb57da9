# Migrations package of the hello app (it has no models).
