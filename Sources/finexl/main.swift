print("finexl")
