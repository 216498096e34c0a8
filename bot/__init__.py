"""Our own code for the 微粒贷客服模拟助手: Chinese text handling, entities, knowledge, the server stack."""
