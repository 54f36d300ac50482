"""The densing-law pages: the law's page (fit, headline, verdict, sensitivity, release check), its
before/after-ChatGPT eras, the verdict's words, and "What densifies?"."""
