"""Custom actions for the rasa_sdk action server: thin classes over bot.knowledge."""
