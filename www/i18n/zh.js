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
  },
};
