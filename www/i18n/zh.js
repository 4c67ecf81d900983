// 页面、教程与 <webgan-demo> 的全部中文字符串，按板块组织，键与 en.js 一一对应
// (tests/e2e/i18n.test.mjs 检查两者一致)。函数用来拼出带数字的句子。

export default {
  common: {
    language: '语言',
  },

  /** 页面认识的错误信息换成中文；不认识的原样显示。 */
  errors: (message) => message,

  // “你能骗过 D 吗？”(fool_d.js)。
  foolD: {
    title: '你能骗过判别器吗？',
    intro: '画一个数字，看判别器 D 会不会把它当成真实的数字。D 只学过区分 MNIST 的数字和生成器 G '
      + '画的数字，所以你的画会像 MNIST 的数字那样处理成 28 × 28 的图像：裁剪到笔迹范围，缩放到 20 × 20 '
      + '像素以内，再按质心居中。在上面把 D 或 G 训练一步，再判一次同一个数字。',
    whichD: '由哪个判别器判定',
    sessionD: '你正在训练的判别器 D',
    shippedD: '预训练的判别器 D（经典 MLP）',
    canvas: (summary) => `数字绘图区：黑底白字。${summary}`,
    canvasEmpty: '还没有画任何东西。用鼠标、手指或触控笔画，或用下面的按钮载入一张数字。',
    seen: 'D 看到的图像',
    seenLabel: (summary) => `D 和分类器看到的数字，28 × 28 像素。${summary}`,
    seenEmpty: '空白。',
    buttons: '要判定的数字',
    loadReal: '载入一张真实数字',
    loadGenerated: '载入一张生成的数字',
    clear: '清除',
    empty: '画一个数字，或载入一张：每画完一笔，D 就会判定。',
    real: '真实',
    generated: '生成',
    /** `who` 是 sessionWho 或 shippedWho；`verdict` 是 real 或 generated；`score` 是 D 的输出。 */
    verdict: (who, verdict, score) => `${who}判定：${verdict}（${score}）`,
    critic: (who, score) => `${who}给出的评分是 ${score}（WGAN-GP：越高越像真实数字；这不是概率）。`,
    sessionWho: '你正在训练的判别器 D ',
    shippedWho: '预训练的判别器 D ',
    reads: (digit, agree, of) => `数字分类器读作：${digit}（平移 2 像素的 ${of} 个副本中有 ${agree} 个读法相同）。`,
    noTrainer: '你正在训练的判别器 D 还没准备好，请稍后再试。',
    noData: '真实数字还在下载，请稍后再试。',
    error: (message) => `错误：${message}`,
    note: '预训练的判别器 D 来自训练了 30,000 步的经典 MLP，也就是教程所展示的生成器的那次训练。'
      + '一次成功的训练结束时，D 已分不清 G 画的数字和真实数字，所以对两者的输出都在 0.5 左右；'
      + '但它对随手乱画仍有自己的判断。按标签学习数字的条件判别器会被告知分类器读出的数字。'
      + '分类器的把握程度，是它把九个（最多平移 2 像素的）副本读成同一个数字的个数。',
  },
};
